// The catalogs stay twins: the same keys in German and English, the same
// placeholders in both, and a sentence for every code the server can send.
import { describe, expect, it } from 'vitest'
import {
  API_ERROR_CODES,
  CHAT_ERROR_CODES,
  CHAT_INPUT_PROBLEMS,
  CHAT_REFUSAL_CODES,
  VALIDATION_CODES,
} from '#server/contract/codes.ts'
import { identityProviderText } from '#infra/local/identity-provider.ts'
import { createI18n } from '#app/i18n/instance.ts'
import { fromAcceptLanguage, resolveLocale } from '#app/i18n/locale.ts'
import { resources } from '#app/i18n/resources.ts'

function flatten(value: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key
    if (typeof inner === 'string') out.set(path, inner)
    else for (const [k, v] of flatten(inner, path)) out.set(k, v)
  }
  return out
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1]).sort()

function expectTwins(english: unknown, german: unknown) {
  const en = flatten(english)
  const de = flatten(german)
  expect([...de.keys()].sort()).toEqual([...en.keys()].sort())
  const mismatched = [...en].filter(
    ([key, text]) => JSON.stringify(placeholders(text)) !== JSON.stringify(placeholders(de.get(key) ?? '')),
  )
  expect(mismatched.map(([key]) => key)).toEqual([])
  expect([...de].filter(([, text]) => text.trim() === '').map(([key]) => key)).toEqual([])
}

describe('translation catalogs', () => {
  it('German and English have the same keys and the same placeholders', () => {
    expectTwins(resources.en.translation, resources.de.translation)
  })

  it('the identity provider’s sign-in page has the same keys in both languages', () => {
    expectTwins(identityProviderText.en, identityProviderText.de)
  })

  it('every code of the contract has a sentence in both languages', () => {
    for (const lng of ['de', 'en'] as const) {
      const t = createI18n(lng).t
      const keys = [
        ...CHAT_REFUSAL_CODES.map((code) => `chat.refusal.${code}.title`),
        ...CHAT_INPUT_PROBLEMS.map((code) => `chat.inputProblem.${code}`),
        ...CHAT_ERROR_CODES.map((code) => `chat.answerError.${code}.text`),
        ...API_ERROR_CODES.map((code) => `apiError.${code}`),
        ...VALIDATION_CODES.map((code) => `validation.${code}`),
      ]
      for (const key of keys) expect(t(key as never), `${lng}: ${key}`).not.toBe(key)
    }
  })

  it('plurals come from the language’s plural rules', () => {
    const de = createI18n('de').t
    const en = createI18n('en').t
    expect(de('folders.conversationCount', { count: 1 })).toBe('1 Unterhaltung')
    expect(de('folders.conversationCount', { count: 3 })).toBe('3 Unterhaltungen')
    expect(en('folders.conversationCount', { count: 1 })).toBe('1 conversation')
    expect(en('folders.conversationCount', { count: 0 })).toBe('0 conversations')
  })

  it('a key that does not exist is a type error', () => {
    const t = createI18n('en').t
    // @ts-expect-error: not a key of the catalog
    expect(t('chat.noSuchKey')).toBe('chat.noSuchKey')
  })
})

describe('locale resolution', () => {
  it('takes the person’s setting, else the clinic’s default, else Accept-Language, else English', () => {
    const acceptLanguage = 'de-DE,de;q=0.9,en;q=0.8'
    expect(resolveLocale({ userLocale: 'en', clinicLocale: 'de', acceptLanguage })).toBe('en')
    expect(resolveLocale({ userLocale: null, clinicLocale: 'en', acceptLanguage })).toBe('en')
    expect(resolveLocale({ userLocale: null, clinicLocale: null, acceptLanguage })).toBe('de')
    expect(resolveLocale({ acceptLanguage: 'fr-FR,fr;q=0.9' })).toBe('en')
    expect(resolveLocale({})).toBe('en')
  })

  it('reads Accept-Language by quality, ignoring languages ClinAI does not speak', () => {
    expect(fromAcceptLanguage('fr;q=1, en;q=0.5, de;q=0.7')).toBe('de')
    expect(fromAcceptLanguage('en-US,en;q=0.9')).toBe('en')
    expect(fromAcceptLanguage('de;q=0, en;q=0.1')).toBe('en')
    expect(fromAcceptLanguage('*')).toBeNull()
    expect(fromAcceptLanguage('')).toBeNull()
  })
})
