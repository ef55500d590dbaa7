// `POST /api/chat/:conversationId`: checks the caller, the input, the rate limit,
// the conversation and the budget (refusing with JSON before any model call),
// stores the question and an empty `streaming` answer, then streams the model's
// answer as server-sent events (see ./events.ts). The answer always ends in a
// terminal state: `complete`, `stopped` (the client went away or pressed stop: the
// upstream request is aborted at once) or `error` with a user-safe code.
import { SpanStatusCode, type Span } from '@opentelemetry/api'
import { z } from 'zod'
import { authenticateRequest } from '#server/auth/authenticate.ts'
import type { Identity } from '#server/auth/identity.ts'
import { LlmAbortedError, LlmError } from '#server/llm/client.ts'
import { buildPrompt, estimateTokens } from '#server/llm/prompt.ts'
import type { Services } from '#server/services.ts'
import {
  finishExchange,
  saveProgress,
  startExchange,
  type Ending,
  type Exchange,
  type ExchangeRefusal,
  type TokenUsage,
} from '#server/services/chat/exchange.ts'
import { STREAM_HEARTBEAT_MS } from '#server/services/chat/recovery.ts'
import { isChatInputProblem, type ChatInputProblem } from '#server/contract/codes.ts'
import { tracer } from '#server/telemetry/index.ts'
import { MAX_CHAT_INPUT_CHARS, type ChatEvent, type ChatRefusal, type ChatRefusalCode } from './events.ts'

/** JSON bodies larger than this are refused unread (a full message is well under it). */
const MAX_BODY_BYTES = 256 * 1024
/** The partial answer is saved at most this often, so a crash keeps what was shown. */
const PROGRESS_EVERY_MS = 1_000
/** A comment line keeps proxies from closing a quiet stream while the model thinks. */
const HEARTBEAT_EVERY_MS = 15_000

// Codes only (server/contract/codes.ts): the browser words them in the reader's language.
const REFUSAL_STATUS: Record<ExchangeRefusal, number> = {
  not_found: 404,
  busy: 409,
  budget_exhausted: 409,
  user_budget_exhausted: 409,
  nothing_to_regenerate: 409,
}

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

export async function handleChatRequest(
  services: Services,
  request: Request,
  conversationId: string | undefined,
  requestId: string,
): Promise<Response> {
  if (request.method !== 'POST') {
    return refuse(405, 'invalid_input', 'method_not_allowed', { allow: 'POST' })
  }
  const { identity, failure } = await authenticateRequest(services, request)
  if (!identity) {
    return refuse(401, 'unauthenticated', undefined, failure ? { 'www-authenticate': 'Bearer' } : {})
  }
  if (!conversationId || !z.uuid().safeParse(conversationId).success) {
    return refuse(404, 'not_found')
  }
  const body = await readJson(request)
  if (!body.ok) return refuse(400, 'invalid_input', body.problem)
  const parsed = chatRequestSchema.safeParse(body.value)
  if (!parsed.success) {
    const problem = parsed.error.issues
      .map((issue) => issue.message)
      .find((message): message is ChatInputProblem => isChatInputProblem(message))
    return refuse(400, 'invalid_input', problem ?? 'invalid_shape')
  }
  const decision = await services.chatRateLimiter.take(identity.tenantId, identity.userId)
  if (!decision.allowed) {
    return refuse(
      429,
      'rate_limited',
      undefined,
      { 'retry-after': String(decision.retryAfterSeconds) },
      decision.retryAfterSeconds,
    )
  }

  const owner = { tenantId: identity.tenantId, userId: identity.userId }
  const chatRequest =
    'content' in parsed.data
      ? { kind: 'ask' as const, content: parsed.data.content }
      : { kind: 'regenerate' as const }
  const started = await services.db.withTenant({ ...owner, role: identity.role }, (tx) =>
    startExchange(tx, owner, {
      conversationId,
      request: chatRequest,
      defaultDeployment: services.llm.defaultDeployment,
      deployments: services.config.llm.deployments,
    }),
  )
  if (!started.ok) {
    return refuse(REFUSAL_STATUS[started.refusal], started.refusal)
  }
  return streamAnswer(services, request, identity, started.exchange, requestId)
}

function streamAnswer(
  services: Services,
  request: Request,
  identity: Identity,
  exchange: Exchange,
  requestId: string,
): Response {
  const upstream = new AbortController()
  const hangUp = () => upstream.abort()
  request.signal.addEventListener('abort', hangUp, { once: true })
  if (request.signal.aborted) hangUp()

  const encoder = new TextEncoder()
  let closed = false
  let output!: ReadableStreamDefaultController<Uint8Array>
  const write = (text: string) => {
    if (closed || upstream.signal.aborted) return
    try {
      output.enqueue(encoder.encode(text))
    } catch {
      closed = true
    }
  }
  const send = (event: ChatEvent) => write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`)
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      output = controller
    },
    cancel() {
      closed = true
      hangUp()
    },
  })

  void tracer.startActiveSpan('chat.completion', async (span) => {
    span.setAttributes({
      'gen_ai.operation.name': 'chat',
      'gen_ai.system': services.llm.provider === 'azure' ? 'az.ai.openai' : 'openai',
      'gen_ai.request.model': exchange.deployment,
      'clinai.request_id': requestId,
      'clinai.tenant_id': identity.tenantId,
      'clinai.conversation_id': exchange.conversationId,
      'clinai.message_id': exchange.assistantMessageId,
    })
    const heartbeat = setInterval(() => write(': keep-alive\n\n'), HEARTBEAT_EVERY_MS)
    // The row's sign of life, so recovery elsewhere knows this answer is still being written.
    const owner = { tenantId: identity.tenantId, userId: identity.userId }
    const alive = setInterval(() => {
      services.db
        .withTenant({ ...owner, role: identity.role }, (tx) =>
          saveProgress(tx, owner, exchange.assistantMessageId),
        )
        .catch(() => {})
    }, STREAM_HEARTBEAT_MS)
    try {
      send({
        type: 'start',
        conversationId: exchange.conversationId,
        userMessageId: exchange.userMessageId,
        assistantMessageId: exchange.assistantMessageId,
        title: exchange.title,
      })
      const result = await runModel(services, identity, exchange, upstream.signal, send)
      clearInterval(alive)
      record(span, result)
      await finishWithRetry(services, identity, () =>
        services.db.withTenant({ ...owner, role: identity.role }, (tx) =>
          finishExchange(tx, owner, {
            conversationId: exchange.conversationId,
            messageId: exchange.assistantMessageId,
            content: result.content,
            ending: result.ending,
            usage: result.usage,
          }),
        ),
      )
      // Only now, with the answer stored, does the client hear that it is over.
      if (result.ending.status === 'complete') {
        send({
          type: 'done',
          assistantMessageId: exchange.assistantMessageId,
          status: 'complete',
          finishReason: result.ending.finishReason,
          usage: result.usage,
        })
      } else if (result.ending.status === 'error') {
        send({
          type: 'error',
          assistantMessageId: exchange.assistantMessageId,
          status: 'error',
          code: result.ending.code,
          message: result.ending.code,
        })
      }
      services.logger.info(
        {
          requestId,
          tenantId: identity.tenantId,
          messageId: exchange.assistantMessageId,
          status: result.ending.status,
          code: result.ending.status === 'error' ? result.ending.code : undefined,
          promptTokens: result.usage.promptTokens,
          completionTokens: result.usage.completionTokens,
          usageEstimated: result.usage.estimated,
          timeToFirstTokenMs: result.timeToFirstTokenMs,
        },
        'chat answer ended',
      )
    } catch (error) {
      // Storing the ending failed even after retries: the stale-stream sweep ends it as interrupted.
      span.setStatus({ code: SpanStatusCode.ERROR })
      services.logger.error(
        { requestId, messageId: exchange.assistantMessageId, err: { name: (error as Error).name } },
        'chat answer could not be stored',
      )
      send({
        type: 'error',
        assistantMessageId: exchange.assistantMessageId,
        status: 'error',
        code: 'interrupted',
        message: 'interrupted',
      })
    } finally {
      clearInterval(alive)
      clearInterval(heartbeat)
      request.signal.removeEventListener('abort', hangUp)
      span.end()
      if (!closed) {
        closed = true
        try {
          output.close()
        } catch {
          // The client has gone; nothing to close.
        }
      }
    }
  })

  return new Response(body, {
    status: 200,
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      // Tells reverse proxies (nginx, ARR) not to buffer the stream.
      'x-accel-buffering': 'no',
    },
  })
}

interface ModelResult {
  content: string
  ending: Ending
  usage: TokenUsage
  timeToFirstTokenMs: number | null
}

async function runModel(
  services: Services,
  identity: Identity,
  exchange: Exchange,
  signal: AbortSignal,
  send: (event: ChatEvent) => void,
): Promise<ModelResult> {
  const { llm, db } = services
  const prompt = buildPrompt({
    systemPrompt: exchange.systemPrompt,
    history: exchange.history,
    userMessage: exchange.userText,
    contextTokens: llm.contextTokens,
  })
  const owner = { tenantId: identity.tenantId, userId: identity.userId }
  const startedAt = performance.now()
  let content = ''
  let saved = ''
  let savedAt = startedAt
  let saving: Promise<void> = Promise.resolve()
  let finishReason: string | null = null
  let reported: { promptTokens: number; completionTokens: number } | null = null
  let firstTokenAt: number | null = null
  let ending: Ending

  try {
    for await (const event of llm.stream({
      deployment: exchange.deployment,
      messages: prompt.messages,
      signal,
    })) {
      if (event.type === 'delta') {
        firstTokenAt ??= performance.now()
        content += event.text
        send({ type: 'delta', text: event.text })
        const now = performance.now()
        if (now - savedAt >= PROGRESS_EVERY_MS && content !== saved) {
          savedAt = now
          saved = content
          const snapshot = content
          // One save at a time, in order; a failed save only loses progress, never the answer.
          saving = saving
            .then(() =>
              db.withTenant({ ...owner, role: identity.role }, (tx) =>
                saveProgress(tx, owner, exchange.assistantMessageId, snapshot),
              ),
            )
            .catch(() => {})
        }
      } else if (event.type === 'finish') {
        finishReason = event.finishReason
      } else {
        reported = { promptTokens: event.promptTokens, completionTokens: event.completionTokens }
      }
    }
    if (signal.aborted) ending = { status: 'stopped' }
    // A stream that ends without a finish reason was cut short: an error, not a success.
    else if (finishReason === null) ending = { status: 'error', code: 'incomplete' }
    else if (finishReason === 'content_filter') ending = { status: 'error', code: 'content_filter' }
    else ending = { status: 'complete', finishReason }
  } catch (error) {
    if (error instanceof LlmAbortedError || signal.aborted) ending = { status: 'stopped' }
    else if (error instanceof LlmError) ending = { status: 'error', code: error.code }
    else {
      services.logger.error({ err: { name: (error as Error).name } }, 'unexpected error while streaming')
      ending = { status: 'error', code: 'model_unavailable' }
    }
  }
  await saving

  // Upstream usage when it came; otherwise an estimate, marked as such. Nothing is
  // counted when the model never answered (refused or unreachable before streaming).
  const answered = firstTokenAt !== null || finishReason !== null
  const usage: TokenUsage = reported
    ? { ...reported, estimated: false }
    : answered || ending.status === 'stopped'
      ? { promptTokens: prompt.estimatedTokens, completionTokens: estimateTokens(content), estimated: true }
      : { promptTokens: 0, completionTokens: 0, estimated: false }
  return {
    content,
    ending,
    usage,
    timeToFirstTokenMs: firstTokenAt === null ? null : Math.round(firstTokenAt - startedAt),
  }
}

function record(span: Span, result: ModelResult) {
  span.setAttributes({
    'gen_ai.usage.input_tokens': result.usage.promptTokens,
    'gen_ai.usage.output_tokens': result.usage.completionTokens,
    'clinai.usage.estimated': result.usage.estimated,
    'clinai.chat.status': result.ending.status,
  })
  if (result.ending.status === 'complete') {
    span.setAttribute('gen_ai.response.finish_reasons', [result.ending.finishReason])
  }
  if (result.ending.status === 'error') {
    span.setAttribute('error.type', result.ending.code)
    span.setStatus({ code: SpanStatusCode.ERROR })
  }
  if (result.timeToFirstTokenMs !== null) {
    span.setAttribute('clinai.chat.time_to_first_token_ms', result.timeToFirstTokenMs)
  }
}

async function finishWithRetry(services: Services, identity: Identity, finish: () => Promise<boolean>) {
  for (let attempt = 1; ; attempt++) {
    try {
      await finish()
      return
    } catch (error) {
      if (attempt >= 3) throw error
      services.logger.warn({ tenantId: identity.tenantId, attempt }, 'retrying to store a chat answer')
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt))
    }
  }
}

async function readJson(
  request: Request,
): Promise<{ ok: true; value: unknown } | { ok: false; problem: ChatInputProblem }> {
  const type = request.headers.get('content-type') ?? ''
  if (!/^application\/json\b/i.test(type)) return { ok: false, problem: 'unsupported_media_type' }
  const length = Number(request.headers.get('content-length') ?? 0)
  if (length > MAX_BODY_BYTES) return { ok: false, problem: 'body_too_large' }
  // Read at most MAX_BODY_BYTES even without (or with a false) Content-Length.
  const chunks: Uint8Array[] = []
  let received = 0
  const reader = request.body?.getReader()
  try {
    for (let next = await reader?.read(); next && !next.done; next = await reader!.read()) {
      received += next.value.byteLength
      if (received > MAX_BODY_BYTES) {
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

function refuse(
  status: number,
  code: ChatRefusalCode,
  reason?: ChatInputProblem,
  headers: Record<string, string> = {},
  retryAfterSeconds?: number,
): Response {
  const body: ChatRefusal = {
    error: {
      code,
      message: code,
      ...(reason ? { reason } : {}),
      ...(retryAfterSeconds ? { retryAfterSeconds } : {}),
    },
  }
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  })
}
