// The chat request's body, and the JSON refusals sent before any model call. Codes only (server/contract/codes.ts): the browser words them.
import { z } from 'zod'
import { isDatabaseUnavailable } from '#db/client.ts'
import { recordRefusal } from '#server/telemetry/metrics.ts'
import type { ChatInputProblem, ChatRefusalCode } from '#server/contract/codes.ts'
import { BODY_LIMITS } from '#server/http/request-body.ts'
import { MAX_CHAT_INPUT_CHARS, type ChatRefusal } from './events.ts'

// Tabs and line breaks are text; other control characters are refused (and NUL cannot be stored).
const noControlCharacters = /^(?:[^\p{Cc}]|[\t\n\r])*$/u
const chatRequestSchema = z.union([
  z.strictObject({
    content: z
      .string()
      .max(MAX_CHAT_INPUT_CHARS, 'message_too_long' satisfies ChatInputProblem)
      .regex(noControlCharacters, 'control_characters' satisfies ChatInputProblem)
      .refine((value) => value.trim().length > 0, 'empty_message' satisfies ChatInputProblem),
    regenerate: z.literal(false).optional(),
  }),
  z.strictObject({ regenerate: z.literal(true) }),
])

export type ParsedChatRequest = { kind: 'ask'; content: string } | { kind: 'regenerate' }

/** The chat's body, for admitStreamRequest (./stream-admission.ts): a question, or regenerate. */
export const chatRequestBody = {
  schema: chatRequestSchema.transform((data): ParsedChatRequest =>
    'content' in data ? { kind: 'ask', content: data.content } : { kind: 'regenerate' },
  ),
  maxBytes: BODY_LIMITS.chat,
}

/** A refusal before anything was stored: `{"error":{"code","message"}}` with the code twice. */
/** Seconds a client waits before trying again while the database is unreachable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5

/**
 * Runs the checks and the storing that come before a stream; when the database cannot be
 * reached (after the pool's bounded connect wait) the request is refused with 503
 * `database_unavailable` instead of failing as a 500. Nothing has been streamed then, and
 * the question either was stored whole or not at all (one transaction), so the client
 * still has it and may send it again.
 */
export async function refusingWhenDatabaseUnavailable(work: () => Promise<Response>): Promise<Response> {
  try {
    return await work()
  } catch (error) {
    if (!isDatabaseUnavailable(error)) throw error
    return refuse(503, 'database_unavailable', {
      headers: { 'retry-after': String(DATABASE_RETRY_AFTER_SECONDS) },
      retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
    })
  }
}

export function refuse(
  status: number,
  code: ChatRefusalCode,
  options: { reason?: ChatInputProblem; headers?: Record<string, string>; retryAfterSeconds?: number } = {},
): Response {
  recordRefusal(code, status)
  const body: ChatRefusal = {
    error: {
      code,
      message: code,
      ...(options.reason ? { reason: options.reason } : {}),
      ...(options.retryAfterSeconds ? { retryAfterSeconds: options.retryAfterSeconds } : {}),
    },
  }
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      ...options.headers,
    },
  })
}
