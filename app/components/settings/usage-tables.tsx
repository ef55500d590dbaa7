// The usage dashboard's tables: per day (the chart's accessible alternative), per
// person and per model. Counts only; a person is a name, never a link.
import { useTranslation } from 'react-i18next'
import type { Formatters } from '#app/i18n/format.ts'
import { cx } from '#app/components/ui/styles.ts'

export interface Figures {
  requests: number
  promptTokens: number
  completionTokens: number
  estimatedTokens: number
  tokens: number
}

export const table = {
  wrap: 'overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-700',
  table: 'w-full border-collapse text-left text-sm',
  head: 'bg-slate-50 text-slate-700 dark:bg-slate-800 dark:text-slate-200',
  th: 'px-3 py-2 font-medium',
  td: 'border-t border-slate-200 px-3 py-2 dark:border-slate-700',
  number: 'whitespace-nowrap text-right tabular-nums',
}

interface Row extends Figures {
  key: string
  label: string
}

export function UsageFiguresTable({
  caption,
  labelHeading,
  rows,
  totals,
  format,
  testId,
}: {
  caption: string
  labelHeading: string
  rows: Row[]
  totals?: Figures
  format: Formatters
  testId: string
}) {
  const { t } = useTranslation()
  const cells = (figures: Figures) => (
    <>
      <td className={cx(table.td, table.number)}>{format.number(figures.requests)}</td>
      <td className={cx(table.td, table.number)}>{format.number(figures.promptTokens)}</td>
      <td className={cx(table.td, table.number)}>{format.number(figures.completionTokens)}</td>
      <td className={cx(table.td, table.number)}>{format.number(figures.tokens)}</td>
    </>
  )
  return (
    // Focusable, so a keyboard can scroll a table wider than a phone.
    <div className={table.wrap} role="region" aria-label={caption} tabIndex={0}>
      <table className={table.table} data-testid={testId}>
        <caption className="sr-only">{caption}</caption>
        <thead className={table.head}>
          <tr>
            <th scope="col" className={table.th}>
              {labelHeading}
            </th>
            <th scope="col" className={cx(table.th, table.number)}>
              {t('usageDashboard.requests')}
            </th>
            <th scope="col" className={cx(table.th, table.number)}>
              {t('usageDashboard.promptTokens')}
            </th>
            <th scope="col" className={cx(table.th, table.number)}>
              {t('usageDashboard.completionTokens')}
            </th>
            <th scope="col" className={cx(table.th, table.number)}>
              {t('usageDashboard.tokens')}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key}>
              <th scope="row" className={cx(table.td, 'whitespace-nowrap font-normal')}>
                {row.label}
              </th>
              {cells(row)}
            </tr>
          ))}
        </tbody>
        {totals ? (
          <tfoot className="font-medium">
            <tr>
              <th scope="row" className={table.td}>
                {t('usageDashboard.total')}
              </th>
              {cells(totals)}
            </tr>
          </tfoot>
        ) : null}
      </table>
    </div>
  )
}
