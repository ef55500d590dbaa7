// The wire contract of `POST /api/chat/:conversationId`, shared by the server, the
// browser workspace (type imports only) and scripts.
//
// Request: JSON `ChatRequest`. Refusals before any model call answer JSON
// `ChatRefusal` with 400 (bad input), 401 (not signed in), 404 (no such conversation
// of yours), 409 (budget used up, or an answer is already streaming here), 429 (rate
// limited; `Retry-After` header in seconds) or 503 (`database_unavailable`: nothing was
// stored, send it again after `Retry-After`). Otherwise 200 `text/event-stream`, one
// event per SSE frame: `event: <type>` and `data: <JSON of the matching event>`.
// The stream always ends with exactly one `done` or `error` event, or `stopped` when the
// server itself had to stop the answer (a shutdown).

import type { ChatErrorCode, ChatInputProblem, ChatRefusalCode } from '#server/contract/codes.ts'

/** Longest user message accepted, in characters. */
export const MAX_CHAT_INPUT_CHARS = 16_000

export type ChatRequest =
  /** A new user message. */
  | { content: string; regenerate?: false }
  /**
   * Answer the conversation's last user message again, without storing it twice:
   * the retry after a failure and "Regenerate". The last assistant answer, when it is
   * the newest message, is replaced.
   */
  | { regenerate: true }

export type { ChatErrorCode, ChatInputProblem, ChatRefusalCode } from '#server/contract/codes.ts'

/**
 * Codes only (server/contract/codes.ts): `message` repeats the code for clients that
 * print it; the browser turns the code into a sentence.
 */
export interface ChatRefusal {
  error: {
    code: ChatRefusalCode
    message: ChatRefusalCode
    /** With `invalid_input`: what was wrong. */
    reason?: ChatInputProblem
    retryAfterSeconds?: number
  }
}

export interface ChatStartEvent {
  type: 'start'
  conversationId: string
  /** The stored user message (on regenerate: the existing one being answered again). */
  userMessageId: string
  assistantMessageId: string
  /** The conversation's title after this request (the first exchange names it). */
  title: string
}

export interface ChatDeltaEvent {
  type: 'delta'
  text: string
}

export interface ChatUsage {
  promptTokens: number
  completionTokens: number
  /** True when the upstream sent no usage and the counts are estimates. */
  estimated: boolean
}

export interface ChatDoneEvent {
  type: 'done'
  assistantMessageId: string
  status: 'complete'
  finishReason: string
  usage: ChatUsage
}

export interface ChatErrorEvent {
  type: 'error'
  assistantMessageId: string
  status: 'error'
  code: ChatErrorCode
  /** The code again (for clients that print `message`); never upstream text. */
  message: ChatErrorCode
}

/**
 * The server stopped the answer before it finished, because the instance is shutting
 * down (a deploy, a slot swap): the text so far is stored as `stopped`; ask again.
 */
export interface ChatStoppedEvent {
  type: 'stopped'
  assistantMessageId: string
  status: 'stopped'
  reason: 'server_shutdown'
  usage: ChatUsage
}

export type ChatEvent = ChatStartEvent | ChatDeltaEvent | ChatDoneEvent | ChatErrorEvent | ChatStoppedEvent
