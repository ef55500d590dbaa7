// The settings area's sections. Usage and Audit trail have their own pages
// (app.settings.usage*, app.settings.audit*); each section is one line here.
import { NavLink } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { cx } from '#app/components/ui/styles.ts'

const SECTIONS = [
  { to: '/app/settings/people', key: 'people' },
  { to: '/app/settings/clinic', key: 'clinic' },
  { to: '/app/settings/usage', key: 'usage' },
  { to: '/app/settings/audit', key: 'audit' },
] as const

export function SettingsNav() {
  const { t } = useTranslation()
  return (
    <nav aria-label={t('settings.nav.label')} className="-mx-1 overflow-x-auto">
      <ul className="flex gap-1 border-b border-slate-200 px-1 dark:border-slate-800">
        {SECTIONS.map((section) => (
          <li key={section.key}>
            <NavLink
              to={section.to}
              prefetch="intent"
              className={({ isActive }) =>
                cx(
                  '-mb-px inline-block whitespace-nowrap rounded-t-md border-b-2 px-3 py-2 text-sm font-medium',
                  isActive
                    ? 'border-blue-700 text-blue-800 dark:border-blue-300 dark:text-blue-200'
                    : 'border-transparent text-slate-700 hover:border-slate-400 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white',
                )
              }
            >
              {t(`settings.nav.${section.key}`)}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  )
}
