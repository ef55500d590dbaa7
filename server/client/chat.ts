// Chat from a script: `streamChat` sends a question (or asks for the last one to be
// answered again) to `POST /api/chat/:conversationId` with a personal access token
// and yields the answer's events as they arrive. The wire contract is
// server/chat/events.ts, imported for its types only.
//
//   for await (const event of streamChat({ baseUrl, token, conversationId, content: 'Hello' })) {
//     if (event.type === 'delta') process.stdout.write(event.text)
//   }
import type { ChatEvent, ChatInputProblem, ChatRefusal, ChatRefusalCode } from '#server/chat/events.ts'
import { apiBase, ClinaiClientError, requireFetch, requireToken } from './connection.ts'
import { SseDecoder, type SseMessage } from './sse.ts'

export type {
  ChatDeltaEvent,
  ChatDoneEvent,
  ChatErrorCode,
  ChatErrorEvent,
  ChatEvent,
  ChatRefusalCode,
  ChatStartEvent,
  ChatUsage,
} from '#server/chat/events.ts'

interface StreamChatConnection {
  /** Where ClinAI runs, e.g. `https://clinai.example.org` or `http://localhost:3000`. */
  baseUrl: string
  /** A personal access token, `clinai_pat_…`. */
  token: string
  /** One of the token owner's conversations (`conversations.create` makes one). */
  conversationId: string
  /**
   * Stops the answer: reading ends, the connection is closed, and the server stops the
   * model and stores the answer so far as `stopped`. The iteration then rejects with the
   * signal's reason (an `AbortError` unless the abort gave another).
   */
  signal?: AbortSignal
  /** A fetch to use instead of the global one (a proxy agent, a test's recorder). */
  fetch?: typeof globalThis.fetch
}

export type StreamChatOptions = StreamChatConnection &
  (
    | {
        /** The question: a new user message. */
        content: string
        regenerate?: false
      }
    | {
        /** Answer the conversation's last question again, replacing the last answer. */
        regenerate: true
        content?: undefined
      }
  )

/** The server refused the request before any answer began: nothing was stored. */
export class ChatRefusedError extends Error {
  override name = 'ChatRefusedError'
  constructor(
    /** 400, 401, 404, 409 or 429. */
    readonly status: number,
    /** Why: `not_found`, `unauthenticated`, `budget_exhausted`, `busy`, `rate_limited`, … */
    readonly code: ChatRefusalCode,
    /** The code again, with the `reason` when there is one: the server sends codes, never sentences. */
    message: string,
    /** For `rate_limited`: when to try again. */
    readonly retryAfterSeconds?: number,
    /** For `invalid_input`: what was wrong (`empty_message`, `message_too_long`, `invalid_json`, …). */
    readonly reason?: ChatInputProblem,
  ) {
    super(message)
  }
}

/** The answer stream broke the contract: not a stream, a malformed event, or no `done`/`error` at its end. */
export class ChatStreamError extends Error {
  override name = 'ChatStreamError'
  constructor(
    readonly reason: 'unexpected_response' | 'malformed_event' | 'incomplete',
    message: string,
    /** The HTTP status of the response. */
    readonly status: number,
    options?: ErrorOptions,
  ) {
    super(message, options)
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

interface PreparedRequest {
  url: string
  token: string
  body: string
  signal: AbortSignal | undefined
  fetch: typeof globalThis.fetch
}

/**
 * Asks in a conversation and yields the answer's events: `start`, then `delta`s with the
 * text, then exactly one `done` (with the finish reason and token usage) or `error` (with
 * a user-safe code and message; the question stays stored). Bad options throw
 * ClinaiClientError at once; a refusal rejects the first iteration with ChatRefusedError;
 * a stream that ends without `done` or `error` rejects with ChatStreamError. Leaving the
 * loop early (break, return, a throw) closes the connection, which stops the answer as
 * `stopped`, as aborting `signal` does. Unknown event types are skipped.
 */
export function streamChat(options: StreamChatOptions): AsyncGenerator<ChatEvent, void, undefined> {
  return readAnswer(prepare(options))
}

function prepare(options: StreamChatOptions): PreparedRequest {
  if (typeof options !== 'object' || options === null) {
    throw new ClinaiClientError('baseUrl', 'streamChat needs { baseUrl, token, conversationId, content }.')
  }
  const base = apiBase(options.baseUrl)
  const token = requireToken(options.token)
  const fetch = requireFetch(options.fetch) ?? globalThis.fetch
  const { conversationId } = options
  if (typeof conversationId !== 'string' || !UUID.test(conversationId)) {
    throw new ClinaiClientError('conversationId', 'conversationId must be a conversation id (a UUID).')
  }
  let body: string
  if (options.regenerate === true) {
    if (options.content !== undefined) {
      throw new ClinaiClientError('content', 'Give either content or regenerate: true, not both.')
    }
    body = JSON.stringify({ regenerate: true })
  } else {
    if (typeof options.content !== 'string') {
      throw new ClinaiClientError('content', 'content is required: the question (or regenerate: true).')
    }
    body = JSON.stringify({ content: options.content })
  }
  return { url: `${base}/chat/${conversationId.toLowerCase()}`, token, body, signal: options.signal, fetch }
}

async function* readAnswer(request: PreparedRequest): AsyncGenerator<ChatEvent, void, undefined> {
  const { signal } = request
  signal?.throwIfAborted()
  const response = await request.fetch(request.url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${request.token}`,
      'content-type': 'application/json',
      accept: 'text/event-stream',
    },
    body: request.body,
    signal,
  })
  const reader = (await eventStreamOf(response)).getReader()
  const decoder = new SseDecoder()
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>
      try {
        chunk = await reader.read()
      } catch (error) {
        signal?.throwIfAborted()
        throw new ChatStreamError(
          'incomplete',
          'The connection to ClinAI broke before the answer ended; what was stored can be read with messages.list.',
          response.status,
          { cause: error },
        )
      }
      let messages: SseMessage[]
      try {
        messages = chunk.done ? decoder.end() : decoder.push(chunk.value)
      } catch (error) {
        throw new ChatStreamError('malformed_event', (error as Error).message, response.status)
      }
      for (const message of messages) {
        const event = toChatEvent(message, response.status)
        if (!event) continue
        yield event
        if (event.type === 'done' || event.type === 'error' || event.type === 'stopped') return
        signal?.throwIfAborted()
      }
      if (chunk.done) {
        throw new ChatStreamError(
          'incomplete',
          'The answer stream ended without a done or error event; what was stored can be read with messages.list.',
          response.status,
        )
      }
    }
  } finally {
    // However the loop ends, hang up. Mid-answer this is the stop: the server ends the
    // model's request and stores the answer so far as `stopped`.
    await reader.cancel().catch(() => {})
  }
}

/** The body of an answer stream, or the refusal (or surprise) thrown as an error. */
async function eventStreamOf(response: Response): Promise<ReadableStream<Uint8Array>> {
  const type = response.headers.get('content-type') ?? ''
  if (response.ok && /^text\/event-stream\b/i.test(type) && response.body) return response.body
  if (!response.ok && /^application\/json\b/i.test(type)) {
    const refusal = (await response.json().catch(() => null)) as ChatRefusal | null
    const error = refusal?.error
    if (typeof error?.code === 'string') {
      const header = Number(response.headers.get('retry-after'))
      const retryAfterSeconds =
        typeof error.retryAfterSeconds === 'number'
          ? error.retryAfterSeconds
          : Number.isFinite(header) && header > 0
            ? header
            : undefined
      const reason = typeof error.reason === 'string' ? error.reason : undefined
      throw new ChatRefusedError(
        response.status,
        error.code,
        reason ? `${error.code}: ${reason}` : error.code,
        retryAfterSeconds,
        reason,
      )
    }
  } else {
    await response.body?.cancel().catch(() => {})
  }
  throw new ChatStreamError(
    'unexpected_response',
    `ClinAI answered ${response.status} ${type ? `(${type.split(';')[0]})` : 'without a content type'} instead of an answer stream; is baseUrl the address of ClinAI?`,
    response.status,
  )
}

// What each known event must carry to be used as its type says; others are skipped.
const REQUIRED_FIELDS: Record<ChatEvent['type'], Record<string, 'string' | 'object'>> = {
  start: { conversationId: 'string', userMessageId: 'string', assistantMessageId: 'string', title: 'string' },
  delta: { text: 'string' },
  done: { assistantMessageId: 'string', finishReason: 'string', usage: 'object' },
  error: { assistantMessageId: 'string', code: 'string', message: 'string' },
  stopped: { assistantMessageId: 'string', reason: 'string', usage: 'object' },
}

function toChatEvent(message: SseMessage, status: number): ChatEvent | null {
  if (!Object.hasOwn(REQUIRED_FIELDS, message.event)) return null
  const type = message.event as ChatEvent['type']
  let data: unknown
  try {
    data = JSON.parse(message.data)
  } catch {
    throw new ChatStreamError('malformed_event', `A "${type}" event did not carry JSON.`, status)
  }
  const record = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : null
  const fits =
    record?.type === type &&
    Object.entries(REQUIRED_FIELDS[type]).every(
      ([field, kind]) => typeof record[field] === kind && record[field] !== null,
    )
  if (!fits) throw new ChatStreamError('malformed_event', `A "${type}" event lacks its fields.`, status)
  return data as ChatEvent
}
