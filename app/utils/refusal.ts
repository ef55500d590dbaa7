// What an action answers when a procedure refuses: codes (server/contract/codes.ts)
// to show inline next to the form, in the reader's language.
import type { TFunction } from 'i18next'
import type { ApiErrorCode, ValidationCode } from '#server/contract/codes.ts'

export interface Refusal {
  ok: false
  status: number
  /** Why, for the whole form. */
  code: ApiErrorCode
  /** The first problem per input field, by the procedure's field path. */
  fieldErrors: Record<string, ValidationCode>
}

export function isRefusal(value: unknown): value is Refusal {
  return typeof value === 'object' && value !== null && (value as { ok?: unknown }).ok === false
}

/** The sentence for one field's problem, if it has one. */
export function fieldErrorText(t: TFunction, refusal: Refusal | null | undefined, field: string) {
  const code = refusal?.fieldErrors[field]
  return code ? t(`validation.${code}`) : undefined
}

/** One sentence for the whole refusal: its first field problem, else its code. */
export function refusalText(t: TFunction, refusal: Refusal): string {
  const first = Object.values(refusal.fieldErrors)[0]
  return first ? t(`validation.${first}`) : t(`apiError.${refusal.code}`)
}

/**
 * What every page action answers, in every area: the intent it ran (which form of
 * the page sent it), then either done, with what the page shows next, or the
 * procedure's refusal. Built by app/utils/action.server.ts.
 */
export type ActionResult<Done extends object = object> = { intent: string } & (
  ({ ok: true } & Done) | Refusal
)
