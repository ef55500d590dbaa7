// The usage dashboard: /app/settings/usage?month=YYYY-MM. Tokens and requests per day
// as a chart (with the same figures as a table), per person and per model, and the
// month's totals against the clinic's budget; the CSV holds the roll-up's rows.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json, redirect } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { UsageChart } from '#app/components/settings/usage-chart.tsx'
import { UsageFiguresTable } from '#app/components/settings/usage-tables.tsx'
import { button, field, muted } from '#app/components/ui/styles.ts'
import { useFormat } from '#app/i18n/format.ts'
import { metaT } from '#app/i18n/meta.ts'
import { getCaller, toRefusal } from '#app/utils/trpc.server.ts'

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches)('meta.settingsUsage') }]

/** `?month=` as the procedure takes it; anything unreadable shows the current month. */
export function monthParam(request: Request): string | null {
  const month = new URL(request.url).searchParams.get('month')
  return month && /^\d{4}-\d{2}$/.test(month) ? month : null
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { caller } = await getCaller(request, context)
  try {
    const report = await caller.admin.usage.month({ month: monthParam(request) })
    return json({ report }, { headers: { 'cache-control': 'no-store' } })
  } catch (error) {
    // A month out of range (say 1999-01): back to the current one.
    if (toRefusal(error, request).code === 'invalid_input') throw redirect('/app/settings/usage')
    throw error
  }
}

function shiftMonth(month: string, by: number): string {
  const [year, index] = month.split('-').map(Number) as [number, number]
  const date = new Date(Date.UTC(year, index - 1 + by, 1))
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`
}

export default function UsageDashboard() {
  const { t } = useTranslation()
  const format = useFormat()
  const { report } = useLoaderData<typeof loader>()
  const monthName = format.month(report.month)
  const share = report.monthlyBudget > 0 ? report.totals.tokens / report.monthlyBudget : 0
  const summary: Array<[string, string, string]> = [
    ['tokens', t('usageDashboard.tokens'), format.number(report.totals.tokens)],
    ['requests', t('usageDashboard.requests'), format.number(report.totals.requests)],
    ['budget', t('usageDashboard.budget'), format.number(report.monthlyBudget)],
    ['remaining', t('usageDashboard.remaining'), format.number(report.remaining)],
  ]
  return (
    <div className="space-y-8">
      <header className="space-y-2">
        <h1 className="text-2xl font-semibold tracking-tight">{t('usageDashboard.heading')}</h1>
        <p className={muted}>{t('usageDashboard.intro')}</p>
        <div className="flex flex-wrap items-end gap-3 pt-2">
          <Form method="get" className="flex items-end gap-2">
            <div>
              <label htmlFor="usage-month" className={field.label}>
                {t('usageDashboard.month')}
              </label>
              <input
                id="usage-month"
                name="month"
                type="month"
                min="2020-01"
                max="2099-12"
                defaultValue={report.month}
                key={report.month}
                className={`${field.input} mt-1 w-44`}
              />
            </div>
            <button type="submit" className={button.secondary}>
              {t('usageDashboard.show')}
            </button>
          </Form>
          <div className="flex gap-2">
            <Link to={`?month=${shiftMonth(report.month, -1)}`} className={button.secondary}>
              {t('usageDashboard.previousMonth')}
            </Link>
            <Link to={`?month=${shiftMonth(report.month, 1)}`} className={button.secondary}>
              {t('usageDashboard.nextMonth')}
            </Link>
          </div>
          <a href={`/app/settings/usage.csv?month=${report.month}`} download className={button.primary}>
            {t('usageDashboard.downloadCsv')}
          </a>
        </div>
      </header>

      <section aria-labelledby="usage-totals" className="space-y-3">
        <h2 id="usage-totals" className="text-lg font-semibold">
          {t('usageDashboard.totalsHeading', { month: monthName })}
        </h2>
        <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4" data-testid="usage-totals">
          {summary.map(([key, label, value]) => (
            <div key={key} className="rounded-lg border border-slate-200 p-3 dark:border-slate-700">
              <dt className={`text-sm ${muted}`}>{label}</dt>
              <dd className="text-xl font-semibold tabular-nums" data-testid={`usage-total-${key}`}>
                {value}
              </dd>
            </div>
          ))}
        </dl>
        <div>
          <div className="h-2 overflow-hidden rounded-full bg-slate-200 dark:bg-slate-700" aria-hidden="true">
            <div
              className={
                share >= 1 ? 'h-full bg-red-700 dark:bg-red-400' : 'h-full bg-blue-700 dark:bg-blue-400'
              }
              style={{ width: `${Math.min(100, share * 100)}%` }}
            />
          </div>
          <p className={`mt-1 text-sm ${muted}`}>
            {t('usageDashboard.budgetUsed', {
              used: format.number(report.totals.tokens),
              budget: format.number(report.monthlyBudget),
              percent: format.percent(share),
            })}
          </p>
        </div>
      </section>

      <section aria-labelledby="usage-per-day" className="space-y-3">
        <h2 id="usage-per-day" className="text-lg font-semibold">
          {t('usageDashboard.chartHeading')}
        </h2>
        <UsageChart
          days={report.days}
          format={format}
          description={t('usageDashboard.chartDescription', { month: monthName })}
        />
        <details className="rounded-lg">
          <summary className="cursor-pointer text-sm font-medium text-blue-700 dark:text-blue-300">
            {t('usageDashboard.chartTable')}
          </summary>
          <div className="mt-3">
            <UsageFiguresTable
              testId="usage-days"
              caption={t('usageDashboard.chartTable')}
              labelHeading={t('usageDashboard.day')}
              rows={report.days.map((day) => ({
                key: day.day,
                label: format.date(`${day.day}T12:00:00Z`),
                ...day,
              }))}
              totals={report.totals}
              format={format}
            />
          </div>
        </details>
      </section>

      <section aria-labelledby="usage-per-person" className="space-y-3">
        <h2 id="usage-per-person" className="text-lg font-semibold">
          {t('usageDashboard.peopleHeading')}
        </h2>
        {report.people.length === 0 ? (
          <p className={muted}>{t('usageDashboard.empty', { month: monthName })}</p>
        ) : (
          <UsageFiguresTable
            testId="usage-people"
            caption={t('usageDashboard.peopleHeading')}
            labelHeading={t('usageDashboard.person')}
            rows={report.people.map((person) => ({ key: person.userId, label: person.name, ...person }))}
            totals={report.totals}
            format={format}
          />
        )}
      </section>

      <section aria-labelledby="usage-per-model" className="space-y-3">
        <h2 id="usage-per-model" className="text-lg font-semibold">
          {t('usageDashboard.modelsHeading')}
        </h2>
        {report.models.length === 0 ? (
          <p className={muted}>{t('usageDashboard.empty', { month: monthName })}</p>
        ) : (
          <UsageFiguresTable
            testId="usage-models"
            caption={t('usageDashboard.modelsHeading')}
            labelHeading={t('usageDashboard.model')}
            rows={report.models.map((model) => ({
              key: model.model,
              label: model.model || t('usageDashboard.modelNotRecorded'),
              ...model,
            }))}
            totals={report.totals}
            format={format}
          />
        )}
      </section>
    </div>
  )
}
