// The one vocabulary the server speaks in: every refusal, failure and validation
// problem is one of these codes, never a sentence. The chat route, the tRPC error
// formatter and the script client use them; the browser turns each code into a
// sentence of the reader's language (app/i18n), and a code without a sentence there
// is a type error. Pure data: pages may import it at run time.

/** Why `POST /api/chat/:id` refused before any model call (the JSON `error.code`). */
export const CHAT_REFUSAL_CODES = [
  'invalid_input',
  'unauthenticated',
  'not_found',
  'budget_exhausted',
  // The person's own monthly cap (a clinic setting) is used up, while the clinic may have budget left.
  'user_budget_exhausted',
  'busy',
  'rate_limited',
  'nothing_to_regenerate',
  'cross_site_request',
  // Answered by the front door (server/http/request-body.ts) before the chat route runs.
  'payload_too_large',
  // 503: the database cannot be reached right now; nothing was stored, try again (Retry-After).
  'database_unavailable',
] as const
export type ChatRefusalCode = (typeof CHAT_REFUSAL_CODES)[number]

/** What exactly was wrong with a chat request refused as `invalid_input` (the JSON `error.reason`). */
export const CHAT_INPUT_PROBLEMS = [
  'method_not_allowed',
  'unsupported_media_type',
  'body_too_large',
  'body_unreadable',
  'invalid_json',
  'invalid_shape',
  'empty_message',
  'message_too_long',
  'control_characters',
] as const
export type ChatInputProblem = (typeof CHAT_INPUT_PROBLEMS)[number]

/** User-safe reasons an answer ends in `error` (the `error` event's `code`, stored on the message). */
export const CHAT_ERROR_CODES = [
  'content_filter',
  'model_unavailable',
  'model_rate_limited',
  'timeout',
  'incomplete',
  'interrupted',
] as const
export type ChatErrorCode = (typeof CHAT_ERROR_CODES)[number]

/** Why `POST /api/notes/:noteId/draft` refused before any model call (the JSON `error.code`). */
export const DRAFT_REFUSAL_CODES = [...CHAT_REFUSAL_CODES, 'note_signed', 'nothing_to_draft'] as const
export type DraftRefusalCode = (typeof DRAFT_REFUSAL_CODES)[number]

/** A refused tRPC call: its `error.message` is one of these. */
export const API_ERROR_CODES = [
  'unauthenticated',
  'credentials_refused',
  'forbidden',
  'not_found',
  'conversation_not_found',
  'folder_not_found',
  'token_not_found',
  'user_not_found',
  'clinic_not_found',
  'note_not_found',
  'template_not_found',
  'note_signed',
  'note_not_signed',
  'note_busy',
  'edit_conflict',
  'template_limit',
  'folder_limit',
  'folder_name_taken',
  'token_limit',
  'last_admin',
  'erasure_not_confirmed',
  'erasure_of_self',
  'erasure_exists',
  'erasure_not_found',
  'person_erased',
  'invitation_not_found',
  'user_exists',
  'invalid_input',
  'method_not_allowed',
  'too_large',
  'conflict',
  'rate_limited',
  // 503 SERVICE_UNAVAILABLE: the database cannot be reached right now; nothing changed, try again.
  'database_unavailable',
  'internal',
] as const
export type ApiErrorCode = (typeof API_ERROR_CODES)[number]

/** One problem with one input field (`fieldErrors[path]`) or the whole input (`formErrors`). */
export const VALIDATION_CODES = [
  'required',
  'too_short',
  'too_long',
  'too_small',
  'too_big',
  'not_integer',
  'invalid_format',
  'invalid_id',
  'control_characters',
  'invalid_cursor',
  'invalid_type',
  'invalid_value',
  'unknown_field',
  'invalid',
] as const
export type ValidationCode = (typeof VALIDATION_CODES)[number]

function member<T extends string>(list: readonly T[]) {
  return (value: unknown): value is T =>
    typeof value === 'string' && (list as readonly string[]).includes(value)
}

export const isChatRefusalCode = member(CHAT_REFUSAL_CODES)
export const isChatInputProblem = member(CHAT_INPUT_PROBLEMS)
export const isChatErrorCode = member(CHAT_ERROR_CODES)
export const isDraftRefusalCode = member(DRAFT_REFUSAL_CODES)
export const isApiErrorCode = member(API_ERROR_CODES)
export const isValidationCode = member(VALIDATION_CODES)

/** Input problems by field path (`"name"`, `"items.0.title"`); `""` for the input as a whole. */
export type FieldErrors = Record<string, ValidationCode[]>
