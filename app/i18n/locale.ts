// Which language a page speaks: the person's own setting, else their clinic's
// default, else the browser's Accept-Language, else English.
import { DEFAULT_LOCALE, isLocale, LOCALES, type Locale } from './resources.ts'

export function resolveLocale(input: {
  userLocale?: string | null
  clinicLocale?: string | null
  acceptLanguage?: string | null
}): Locale {
  if (isLocale(input.userLocale)) return input.userLocale
  if (isLocale(input.clinicLocale)) return input.clinicLocale
  return fromAcceptLanguage(input.acceptLanguage) ?? DEFAULT_LOCALE
}

/** The best of our languages in an Accept-Language header (`de-DE,de;q=0.9,en;q=0.8`), or null. */
export function fromAcceptLanguage(header: string | null | undefined): Locale | null {
  if (!header) return null
  const ranked = header
    .slice(0, 1000)
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';')
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean)
      return { language: tag.trim().toLowerCase().split('-')[0] ?? '', q: q ? Number(q) : 1, index }
    })
    .filter((entry) => entry.q > 0 && Number.isFinite(entry.q))
    .sort((a, b) => b.q - a.q || a.index - b.index)
  for (const entry of ranked) {
    if ((LOCALES as readonly string[]).includes(entry.language)) return entry.language as Locale
  }
  return null
}
