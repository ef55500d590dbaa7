// The translation resources of every language, typed from the English catalog,
// and the coverage of the server's codes (server/contract/codes.ts): a code with
// no sentence, in either language, is a type error here.
import type {
  ApiErrorCode,
  ChatErrorCode,
  ChatInputProblem,
  ChatRefusalCode,
  ValidationCode,
} from '#server/contract/codes.ts'
import { de } from './de.ts'
import { en } from './en.ts'

/** The shape of a catalog: the English keys, any text. */
export type Catalog = Widen<typeof en>
type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> }

export const LOCALES = ['de', 'en'] as const
export type Locale = (typeof LOCALES)[number]
export const DEFAULT_LOCALE: Locale = 'en'

export function isLocale(value: unknown): value is Locale {
  return value === 'de' || value === 'en'
}

export const resources = {
  en: { translation: en },
  de: { translation: de },
} as const satisfies Record<Locale, { translation: Catalog }>

type Notice = { title: string; text: string }
// Every code of the contract has its sentence.
en.chat.refusal satisfies Record<ChatRefusalCode | 'network' | 'unknown', Notice>
en.chat.inputProblem satisfies Record<ChatInputProblem, string>
en.chat.answerError satisfies Record<ChatErrorCode | 'connection_lost' | 'unknown', Notice>
en.apiError satisfies Record<ApiErrorCode, string>
en.validation satisfies Record<ValidationCode, string>
