// The account menu at the foot of the sidebar: who I am, my clinic and role, my
// token use this month against the clinic's budget, my language, personal access
// theme, tokens, the settings area (admins), sign out.
import * as DropdownMenu from '@radix-ui/react-dropdown-menu'
import { Link, useFetcher } from '@remix-run/react'
import { useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { cx, menu } from '#app/components/ui/styles.ts'
import { useFormat } from '#app/i18n/format.ts'
import { PREFERENCES_ACTION, THEMES } from '#app/i18n/preferences.ts'
import { ExportDialog } from './export-dialog.tsx'
import { TokensDialog } from './tokens-dialog.tsx'
import type { WorkspaceData } from './workspace-data.ts'

export function AccountMenu({ me, usage }: Pick<WorkspaceData, 'me' | 'usage'>) {
  const { t } = useTranslation()
  const preferences = useFetcher({ key: 'preferences' })
  const pendingLocale = preferences.formData?.get('locale')
  const chosen = typeof pendingLocale === 'string' ? pendingLocale : (me.user.locale ?? 'clinic')
  const pendingTheme = preferences.formData?.get('theme')
  const chosenTheme = typeof pendingTheme === 'string' ? pendingTheme : me.user.theme
  const [tokensOpen, setTokensOpen] = useState(false)
  const [exportOpen, setExportOpen] = useState(false)
  const trigger = useRef<HTMLButtonElement>(null)
  const signOutForm = useRef<HTMLFormElement>(null)
  const initials = me.user.name
    .split(/\s+/)
    .map((part) => part[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase()
  return (
    <>
      {/* Outside the menu, which unmounts as it closes; a full page load after sign-out leaves nothing behind. */}
      <form ref={signOutForm} method="post" action="/auth/sign-out" hidden />
      <DropdownMenu.Root modal={false}>
        <DropdownMenu.Trigger
          ref={trigger}
          className="flex w-full items-center gap-3 rounded-lg px-2 py-2 text-left hover:bg-slate-200/70 dark:hover:bg-slate-800/70"
        >
          <span
            aria-hidden="true"
            className="inline-flex h-9 w-9 shrink-0 items-center justify-center rounded-full bg-blue-700 text-sm font-semibold text-white"
          >
            {initials}
          </span>
          <span className="min-w-0">
            <span className="sr-only">{t('account.trigger')}</span>
            <span className="block truncate text-sm font-medium">{me.user.name}</span>
            <span className="block truncate text-xs text-slate-600 dark:text-slate-300">
              {me.clinic.name}
            </span>
          </span>
        </DropdownMenu.Trigger>
        <DropdownMenu.Portal>
          <DropdownMenu.Content
            side="top"
            align="start"
            sideOffset={6}
            // It grows with the theme and language choices: it scrolls rather than leave a short window.
            className={cx(
              menu.content,
              'max-h-[var(--radix-dropdown-menu-content-available-height)] w-80 overflow-y-auto p-2',
            )}
            // The facts above the items are not items: screen readers hear them as the menu's description.
            aria-describedby="account-who account-usage"
          >
            <div id="account-who" className="px-2.5 py-2">
              <p data-testid="whoami" className="text-sm">
                {t('account.signedInAs')} <strong className="font-semibold">{me.user.name}</strong>
                <span className="block truncate text-slate-600 dark:text-slate-300">{me.user.email}</span>
              </p>
              <p className="mt-1 text-sm">
                {t('account.clinic')}{' '}
                <strong data-testid="clinic" className="font-semibold">
                  {me.clinic.name}
                </strong>{' '}
                · {t('account.role')}{' '}
                <strong data-testid="role" className="font-semibold">
                  {t(`account.roles.${me.user.role}`)}
                </strong>
              </p>
            </div>
            <DropdownMenu.Separator className={menu.separator} />
            <div id="account-usage" className="px-2.5 py-2">
              <UsageMeter usage={usage} />
            </div>
            <DropdownMenu.Separator className={menu.separator} />
            <DropdownMenu.Label className={menu.label} id="account-language">
              {t('account.language')}
            </DropdownMenu.Label>
            <DropdownMenu.RadioGroup
              aria-labelledby="account-language"
              value={chosen}
              onValueChange={(locale) =>
                // Stored on the person; the page follows at once, without reloading (see root.tsx).
                preferences.submit({ locale }, { method: 'post', action: PREFERENCES_ACTION })
              }
            >
              {(['de', 'en', 'clinic'] as const).map((value) => (
                <DropdownMenu.RadioItem
                  key={value}
                  value={value}
                  // The language's own name, in that language.
                  lang={value === 'clinic' ? undefined : value}
                  className={cx(menu.item, 'relative pl-7')}
                >
                  <DropdownMenu.ItemIndicator className="absolute left-2 inline-flex">
                    <span aria-hidden="true">✓</span>
                  </DropdownMenu.ItemIndicator>
                  {value === 'clinic'
                    ? t('account.languageFollowClinic', {
                        language: t(`languages.${me.clinic.defaultLocale}`),
                      })
                    : t(`languages.${value}`)}
                </DropdownMenu.RadioItem>
              ))}
            </DropdownMenu.RadioGroup>
            <DropdownMenu.Separator className={menu.separator} />
            <DropdownMenu.Label className={menu.label} id="account-theme">
              {t('account.theme')}
            </DropdownMenu.Label>
            <DropdownMenu.RadioGroup
              aria-labelledby="account-theme"
              value={chosenTheme}
              onValueChange={(theme) =>
                // Stored on the person and rendered by the server, so a reload shows it from the first byte.
                preferences.submit({ theme }, { method: 'post', action: PREFERENCES_ACTION })
              }
            >
              {THEMES.map((value) => (
                <DropdownMenu.RadioItem key={value} value={value} className={cx(menu.item, 'relative pl-7')}>
                  <DropdownMenu.ItemIndicator className="absolute left-2 inline-flex">
                    <span aria-hidden="true">✓</span>
                  </DropdownMenu.ItemIndicator>
                  {t(`account.themes.${value}`)}
                </DropdownMenu.RadioItem>
              ))}
            </DropdownMenu.RadioGroup>
            <DropdownMenu.Separator className={menu.separator} />
            {me.user.role === 'admin' ? (
              <DropdownMenu.Item className={menu.item} asChild>
                <Link to="/app/settings">{t('account.settings')}</Link>
              </DropdownMenu.Item>
            ) : null}
            <DropdownMenu.Item className={menu.item} onSelect={() => setTokensOpen(true)}>
              {t('account.tokens')}
            </DropdownMenu.Item>
            <DropdownMenu.Item className={menu.item} onSelect={() => setExportOpen(true)}>
              {t('exports.menuItem')}
            </DropdownMenu.Item>
            <DropdownMenu.Item className={menu.item} onSelect={() => signOutForm.current?.submit()}>
              {t('account.signOut')}
            </DropdownMenu.Item>
          </DropdownMenu.Content>
        </DropdownMenu.Portal>
      </DropdownMenu.Root>
      <TokensDialog open={tokensOpen} onOpenChange={setTokensOpen} returnFocusTo={() => trigger.current} />
      <ExportDialog open={exportOpen} onOpenChange={setExportOpen} returnFocusTo={() => trigger.current} />
    </>
  )
}

function UsageMeter({ usage }: { usage: WorkspaceData['usage'] }) {
  const { t } = useTranslation()
  const format = useFormat()
  const budget = Math.max(usage.monthlyBudget, 1)
  const mine = Math.min(usage.myTokens / budget, 1)
  const clinic = Math.min(usage.clinicTokens / budget, 1)
  const percent = (share: number) => `${Math.round(share * 1000) / 10}%`
  return (
    <div className="text-sm">
      <p className="font-medium">{t('account.usageHeading')}</p>
      <div
        aria-hidden="true"
        data-usage-bar
        className="relative mt-2 h-2 overflow-hidden rounded-full bg-slate-200 dark:bg-slate-700"
      >
        <div
          className="absolute inset-y-0 left-0 bg-blue-300 dark:bg-blue-800"
          style={{ width: percent(clinic) }}
        />
        <div
          className="absolute inset-y-0 left-0 bg-blue-700 dark:bg-blue-400"
          style={{ width: percent(mine) }}
        />
      </div>
      <p className="mt-2 text-xs text-slate-600 dark:text-slate-300" data-testid="usage">
        {t('account.usageMine', {
          count: usage.myTokens,
          formatted: format.number(usage.myTokens),
          percent: format.percent(mine),
        })}
        <br />
        {t('account.usageClinic', {
          used: format.number(usage.clinicTokens),
          budget: format.number(usage.monthlyBudget),
          percent: format.percent(clinic),
          left: format.number(usage.remaining),
          month: format.month(usage.month),
        })}
      </p>
    </div>
  )
}
