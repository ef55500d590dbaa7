// What the chat pane says about refusals and failed answers: the server sends only
// codes (server/contract/codes.ts); the sentences are in the catalogs (app/i18n).
import type { TFunction } from 'i18next'
import {
  isChatErrorCode,
  isChatRefusalCode,
  type ChatErrorCode,
  type ChatInputProblem,
  type ChatRefusalCode,
} from '#server/contract/codes.ts'

/** A code of the wire contract, or `connection_lost` when the stream broke off without an ending. */
export type AnswerErrorCode = ChatErrorCode | 'connection_lost'

/** A refusal before anything was stored, or `network` when ClinAI could not be reached at all. */
export type RefusalCode = ChatRefusalCode | 'network' | 'unknown'

export function answerError(t: TFunction, code: string | null): { title: string; message: string } {
  const key = isChatErrorCode(code) || code === 'connection_lost' ? code : 'unknown'
  return { title: t(`chat.answerError.${key}.title`), message: t(`chat.answerError.${key}.text`) }
}

/** A code this page does not know (a proxy's, or a newer server's) reads as a plain refusal. */
export function refusalCode(code: unknown, status: number): RefusalCode {
  if (isChatRefusalCode(code)) return code
  return status === 401 ? 'unauthenticated' : 'unknown'
}

export function refusalNotice(
  t: TFunction,
  code: RefusalCode,
  reason?: ChatInputProblem,
): { title: string; message: string } {
  return {
    title: t(`chat.refusal.${code}.title`),
    message: reason ? t(`chat.inputProblem.${reason}`) : t(`chat.refusal.${code}.text`),
  }
}
