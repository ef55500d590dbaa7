// One i18next instance per server render and one in the browser, both from the
// bundled resources and initialised synchronously, so the first byte and the
// hydrated page are in the same language.
import { createInstance, type i18n } from 'i18next'
import { initReactI18next } from 'react-i18next'
import { DEFAULT_LOCALE, resources, type Locale } from './resources.ts'

export function createI18n(locale: Locale): i18n {
  const instance = createInstance()
  void instance.use(initReactI18next).init({
    resources,
    lng: locale,
    fallbackLng: DEFAULT_LOCALE,
    supportedLngs: ['de', 'en'],
    initAsync: false,
    // React escapes what it renders; escaping here too would show &amp; in titles.
    interpolation: { escapeValue: false },
    returnNull: false,
  })
  return instance
}

let shared: i18n | null = null

/** A `t` of one language outside React (meta functions, document.title). */
export function tFor(locale: Locale) {
  shared ??= createI18n(DEFAULT_LOCALE)
  return shared.getFixedT(locale)
}
