// Dates, times and numbers in the page's language through Intl. Server and browser
// format alike: one time zone (the clinics are in Germany) and, for relative times,
// the `now` the root loader sent rather than each side's own clock.
import { useRouteLoaderData } from '@remix-run/react'
import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import type { loader as rootLoader } from '#app/root.tsx'
import { isLocale, type Locale } from './resources.ts'

export const TIME_ZONE = 'Europe/Berlin'

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
]

export function formatters(locale: Locale, now: number) {
  const tag = locale === 'de' ? 'de-DE' : 'en-GB'
  const dateFormat = new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeZone: TIME_ZONE })
  const dateTimeFormat = new Intl.DateTimeFormat(tag, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: TIME_ZONE,
  })
  const monthFormat = new Intl.DateTimeFormat(tag, { month: 'long', year: 'numeric', timeZone: 'UTC' })
  const numberFormat = new Intl.NumberFormat(tag)
  const percentFormat = new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 1 })
  const relativeFormat = new Intl.RelativeTimeFormat(tag, { numeric: 'auto' })
  return {
    /** 12 Mar 2026 / 12.03.2026 */
    date: (iso: string) => dateFormat.format(new Date(iso)),
    dateTime: (iso: string) => dateTimeFormat.format(new Date(iso)),
    /** "2026-03" as "March 2026" / "März 2026" */
    month: (yearMonth: string) => monthFormat.format(new Date(`${yearMonth}-01T00:00:00Z`)),
    number: (value: number) => numberFormat.format(value),
    percent: (share: number) => percentFormat.format(share),
    /** "5 minutes ago" / "vor 5 Minuten", against the loader's now. */
    relative: (iso: string) => {
      const seconds = Math.round((Date.parse(iso) - now) / 1000)
      for (const [unit, size] of UNITS) {
        if (Math.abs(seconds) >= size || unit === 'second') {
          return relativeFormat.format(Math.round(seconds / size), unit)
        }
      }
      return relativeFormat.format(0, 'second')
    },
  }
}

export type Formatters = ReturnType<typeof formatters>

/** The page's formatters: its language and the root loader's `now`. */
export function useFormat(): Formatters {
  const { i18n } = useTranslation()
  const root = useRouteLoaderData<typeof rootLoader>('root')
  const locale = isLocale(i18n.language) ? i18n.language : 'en'
  const now = root?.now ?? 0
  return useMemo(() => formatters(locale, now), [locale, now])
}
