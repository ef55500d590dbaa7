// Reading and checking a chat request, and the JSON refusals sent before any model
// call. Codes only (server/contract/codes.ts): the browser words them.
import { z } from 'zod'
import { isDatabaseUnavailable } from '#db/client.ts'
import { recordRefusal } from '#server/telemetry/metrics.ts'
import type { ChatInputProblem, ChatRefusalCode } from '#server/contract/codes.ts'
import { isChatInputProblem } from '#server/contract/codes.ts'
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

/** The request's question (or regenerate), or what was wrong with it. */
export async function readChatRequest(
  request: Request,
): Promise<{ ok: true; value: ParsedChatRequest } | { ok: false; problem: ChatInputProblem }> {
  const body = await readJson(request)
  if (!body.ok) return body
  const parsed = chatRequestSchema.safeParse(body.value)
  if (!parsed.success) {
    const problem = parsed.error.issues
      .map((issue) => issue.message)
      .find((message): message is ChatInputProblem => isChatInputProblem(message))
    return { ok: false, problem: problem ?? 'invalid_shape' }
  }
  return {
    ok: true,
    value: 'content' in parsed.data ? { kind: 'ask', content: parsed.data.content } : { kind: 'regenerate' },
  }
}

async function readJson(
  request: Request,
): Promise<{ ok: true; value: unknown } | { ok: false; problem: ChatInputProblem }> {
  const type = request.headers.get('content-type') ?? ''
  if (!/^application\/json\b/i.test(type)) return { ok: false, problem: 'unsupported_media_type' }
  // The front door has read the body within BODY_LIMITS.chat already; this holds for any other caller too.
  const length = Number(request.headers.get('content-length') ?? 0)
  if (length > BODY_LIMITS.chat) return { ok: false, problem: 'body_too_large' }
  const chunks: Uint8Array[] = []
  let received = 0
  const reader = request.body?.getReader()
  try {
    for (let next = await reader?.read(); next && !next.done; next = await reader!.read()) {
      received += next.value.byteLength
      if (received > BODY_LIMITS.chat) {
        await reader!.cancel()
        return { ok: false, problem: 'body_too_large' }
      }
      chunks.push(next.value)
    }
  } catch {
    return { ok: false, problem: 'body_unreadable' }
  }
  const text = new TextDecoder().decode(Buffer.concat(chunks))
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch {
    return { ok: false, problem: 'invalid_json' }
  }
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
