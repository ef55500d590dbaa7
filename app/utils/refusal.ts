// What an action answers when a procedure refuses: shown inline next to the form.

export interface Refusal {
  ok: false
  status: number
  /** One sentence for the whole form. */
  message: string
  /** The first problem per input field, by the procedure's input name. */
  fieldErrors: Record<string, string>
}

export function isRefusal(value: unknown): value is Refusal {
  return typeof value === 'object' && value !== null && (value as { ok?: unknown }).ok === false
}
