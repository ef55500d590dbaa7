// Titles for meta functions, which run outside React: the language comes from the root loader's data.
import { tFor } from './instance.ts'
import { DEFAULT_LOCALE, isLocale, type Locale } from './resources.ts'

export function metaLocale(matches: ReadonlyArray<{ id: string; data: unknown }>): Locale {
  const root = matches.find((match) => match.id === 'root')?.data as { locale?: unknown } | undefined
  return isLocale(root?.locale) ? root.locale : DEFAULT_LOCALE
}

export function metaT(matches: ReadonlyArray<{ id: string; data: unknown }>) {
  return tFor(metaLocale(matches))
}
