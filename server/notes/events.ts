// The wire contract of `POST /api/notes/:noteId/draft`, shared by the server, the note page
// (type imports only) and scripts.
//
// Request: JSON `{}` (draft every section not written yet, in order) or `{ "sectionId": "…" }`
// (write that section again). Refusals before any model call answer JSON `DraftRefusal`: 400 bad
// input, 401 not signed in, 404 not your note (or section), 409 signed, a section already
// streaming, budget used up, or nothing left to draft, 429 rate limited (`Retry-After`).
// Otherwise 200 `text/event-stream`; per section `section_start`, `delta`s, then `section_done`
// or `section_error`; the stream ends with exactly one `done`. A client that goes away stops the
// section being written (kept as `stopped`); the sections after it stay unwritten.
import type { ChatErrorCode, ChatInputProblem, DraftRefusalCode } from '#server/contract/codes.ts'

export type DraftRequest = { sectionId?: string }

export interface DraftRefusal {
  error: {
    code: DraftRefusalCode
    message: DraftRefusalCode
    reason?: ChatInputProblem
    retryAfterSeconds?: number
  }
}

export interface DraftUsage {
  promptTokens: number
  completionTokens: number
  estimated: boolean
}

export type DraftEvent =
  | { type: 'section_start'; sectionId: string; key: string; title: string }
  | { type: 'delta'; sectionId: string; text: string }
  | { type: 'section_done'; sectionId: string; status: 'complete'; finishReason: string; usage: DraftUsage }
  | {
      type: 'section_error'
      sectionId: string
      status: 'error'
      /** A model error, or why the section could not start (`note_signed`, `budget_exhausted`). */
      code: ChatErrorCode | 'note_signed' | 'budget_exhausted' | 'user_budget_exhausted' | 'not_found'
    }
  | { type: 'done'; noteId: string; written: number }
