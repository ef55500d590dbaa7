// Tokens per day as bars and requests as a line (recharts, SVG). The chart is a
// picture for sighted readers; the same figures follow as a table (UsageDayTable),
// which is what assistive technology reads.
import { Bar, CartesianGrid, ComposedChart, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { useTranslation } from 'react-i18next'
import type { Formatters } from '#app/i18n/format.ts'

export interface DayFigures {
  day: string
  requests: number
  tokens: number
}

export function UsageChart({
  days,
  description,
  format,
}: {
  days: DayFigures[]
  description: string
  format: Formatters
}) {
  const { t } = useTranslation()
  const data = days.map((day) => ({ ...day, label: String(Number(day.day.slice(8))) }))
  return (
    <div
      role="img"
      aria-label={description}
      className="h-64 w-full text-slate-700 dark:text-slate-300"
      data-testid="usage-chart"
    >
      <ResponsiveContainer width="100%" height="100%" minWidth={0}>
        <ComposedChart
          data={data}
          margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
          accessibilityLayer={false}
        >
          <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.2} vertical={false} />
          <XAxis
            dataKey="label"
            tick={{ fill: 'currentColor', fontSize: 12 }}
            stroke="currentColor"
            interval="preserveStartEnd"
          />
          <YAxis
            yAxisId="tokens"
            tick={{ fill: 'currentColor', fontSize: 12 }}
            stroke="currentColor"
            width={64}
            tickFormatter={(value: number) => format.number(value)}
          />
          <YAxis
            yAxisId="requests"
            orientation="right"
            tick={{ fill: 'currentColor', fontSize: 12 }}
            stroke="currentColor"
            width={40}
            allowDecimals={false}
          />
          <Tooltip
            cursor={{ fill: 'currentColor', fillOpacity: 0.08 }}
            content={({ active, payload }) => {
              const entry = active ? (payload?.[0]?.payload as DayFigures | undefined) : undefined
              if (!entry) return null
              return (
                <div className="rounded-md border border-slate-200 bg-white px-3 py-2 text-sm text-slate-900 shadow dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100">
                  <div className="font-medium">{format.date(`${entry.day}T12:00:00Z`)}</div>
                  <div>
                    {t('usageDashboard.tokens')}: {format.number(entry.tokens)}
                  </div>
                  <div>
                    {t('usageDashboard.requests')}: {format.number(entry.requests)}
                  </div>
                </div>
              )
            }}
          />
          <Bar
            yAxisId="tokens"
            dataKey="tokens"
            fill="#2563eb"
            radius={[3, 3, 0, 0]}
            isAnimationActive={false}
          />
          <Line
            yAxisId="requests"
            dataKey="requests"
            type="linear"
            stroke="#d97706"
            strokeWidth={2}
            dot={false}
            isAnimationActive={false}
          />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  )
}
