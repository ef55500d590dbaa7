// The settings area's frame, for admins only: a small navigation and the page.
// (Minimal here; the full frame with People and Clinic settings replaces it.)
import type { LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { isRouteErrorResponse, NavLink, Outlet, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { cx } from '#app/components/ui/styles.ts'
import { requireAdmin } from '#app/utils/auth.server.ts'

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireAdmin(request, context)
  return json({}, { headers: { 'cache-control': 'no-store' } })
}

const tab = ({ isActive }: { isActive: boolean }) =>
  cx(
    'rounded-md px-3 py-1.5 text-sm font-medium',
    isActive
      ? 'bg-slate-200 text-slate-900 dark:bg-slate-700 dark:text-white'
      : 'text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800',
  )

export default function SettingsLayout() {
  const { t } = useTranslation()
  return (
    <div className="mx-auto w-full max-w-5xl px-4 py-6 sm:px-8">
      <nav aria-label={t('settingsNav.label')} className="mb-6 flex flex-wrap gap-2">
        <NavLink to="/app/settings/usage" className={tab}>
          {t('settingsNav.usage')}
        </NavLink>
        <NavLink to="/app/settings/audit" className={tab}>
          {t('settingsNav.audit')}
        </NavLink>
      </nav>
      <Outlet />
    </div>
  )
}

export function ErrorBoundary() {
  const error = useRouteError()
  const { t } = useTranslation()
  if (isRouteErrorResponse(error) && error.status === 403) {
    return (
      <div className="mx-auto w-full max-w-3xl px-4 py-8 sm:px-8">
        <h1 className="text-2xl font-semibold tracking-tight">{t('settingsNav.forbiddenTitle')}</h1>
        <p className="mt-2">{t('settingsNav.forbiddenText')}</p>
      </div>
    )
  }
  throw error
}
