// The budget alert admins see above every workspace page once the clinic has used
// 80 % of its monthly token budget, and again at 100 %. Computed from this month's
// usage on each load; the audit trail records each threshold once (server/services/budget).
import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { cx } from '#app/components/ui/styles.ts'
import { useFormat } from '#app/i18n/format.ts'
import type { WorkspaceData } from '#app/components/workspace/workspace-data.ts'

export function BudgetBanner({ me, usage }: Pick<WorkspaceData, 'me' | 'usage'>) {
  const { t } = useTranslation()
  const format = useFormat()
  if (me.user.role !== 'admin') return null
  const share =
    usage.monthlyBudget > 0 ? usage.clinicTokens / usage.monthlyBudget : usage.clinicTokens > 0 ? 1 : 0
  if (share < 0.8) return null
  const exhausted = share >= 1
  return (
    <div
      role="status"
      data-testid="budget-banner"
      className={cx(
        'flex flex-wrap items-center justify-between gap-x-4 gap-y-1 border-b px-4 py-2 text-sm sm:px-8',
        exhausted
          ? 'border-red-200 bg-red-50 text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-100'
          : 'border-amber-200 bg-amber-50 text-amber-950 dark:border-amber-900 dark:bg-amber-950 dark:text-amber-100',
      )}
    >
      <p>
        {exhausted
          ? t('budgetBanner.exhausted')
          : t('budgetBanner.warning', { percent: format.percent(Math.floor(share * 100) / 100) })}
      </p>
      <Link to="/app/settings/clinic" className="rounded font-medium underline">
        {t('budgetBanner.action')}
      </Link>
    </div>
  )
}
