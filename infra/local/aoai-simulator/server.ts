// A local Azure OpenAI chat-completions endpoint that speaks the real wire format (see
// shared/reference/azure-openai-wire.md), so the production client code runs unchanged against it in
// development and tests. Answers are deterministic; faults (429, 500, prompt filter, mid-stream
// filter, cut connection, stalled stream) can be injected per request, and every request is recorded
// so tests can prove what the client did, e.g. that it hung up on a stream it no longer needed.
//
// Faults: `rate_limit` (429 with retry headers), `server_error` (500), `prompt_filter` (400
// content_filter), `filter_mid` (stream ends early with finish_reason content_filter), `cut` (the
// socket is destroyed mid-stream: the SDK's iteration throws `TypeError: terminated`), `end_early`
// (the HTTP response ends cleanly mid-answer with no finish chunk and no [DONE]: the SDK's iteration
// ends silently) and `stall` (role chunk and one batch, then silence until the client or close() ends
// it). Non-streaming requests get the same faults in their one-shot form.
//
// Fault injection, per request, first match wins:
//   header `x-sim-fault: <kind>` (`none` turns off `faultRate` for that request), optionally with
//   `x-sim-fault-count: N` (fail only the first N requests with the same `x-sim-fault-key`, or the
//   same body when no key is sent, which is what an SDK retry sends) — or the marker `[[sim:<kind>]]`
//   / `[[sim:<kind>:N]]` in the last user message — or, failing both, `faultRate`.
// Pacing can be overridden per request with `x-sim-tokens-per-second` and `x-sim-first-token-ms`.
//
// Azure-faithful details worth knowing: a deployment-style URL without `api-version` is a 404
// `Resource not found` (not a 400), exactly as Azure's gateway answers; the v1 URL needs none.
// `stream_options.include_usage` is honoured from api-version 2024-08-01(-preview) on and on v1.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
import { once } from 'node:events'
import http from 'node:http'
import type { Socket } from 'node:net'
import { setTimeout as delay } from 'node:timers/promises'
import { composeAnswer } from './answer.ts'
import { countPromptTokens, tokenize, type PromptMessage } from './tokens.ts'
import * as wire from './wire.ts'

export type SimFault =
  'rate_limit' | 'server_error' | 'prompt_filter' | 'filter_mid' | 'cut' | 'end_early' | 'stall'

export const SIM_FAULTS: readonly SimFault[] = [
  'rate_limit',
  'server_error',
  'prompt_filter',
  'filter_mid',
  'cut',
  'end_early',
  'stall',
]

export interface AoaiSimulatorOptions {
  /** 0 = random (default 0) */
  port?: number
  /** default '127.0.0.1' */
  host?: string
  /** default 'local-dev-key'; sent as `api-key: <key>` or `Authorization: Bearer <key>` */
  apiKey?: string
  /** pacing of content, default 50 */
  tokensPerSecond?: number
  /** delay before the first content chunk, default 300 */
  firstTokenMs?: number
  /** 0..1, probability that a request without an explicit fault gets one from `faultKinds` (default 0) */
  faultRate?: number
  /** default all */
  faultKinds?: SimFault[]
  /** `retry-after-ms` of a rate_limit fault (default 1000); `retry-after` is the same rounded up to seconds */
  retryAfterMs?: number
  /** injectable for determinism, default Math.random */
  random?: () => number
  /** called once per chat request when its response has ended; records carry no prompt text */
  onRequestEnd?: (record: SimRequestRecord) => void
  /**
   * keep each request's messages on its record (`messages`), so a test can prove what reached the
   * "model" (pseudonymised prompts); off by default, so a dev server keeps no clinical text (default false)
   */
  recordPrompts?: boolean
  /** tokens per streamed chunk, cycled (default Azure-like batches of 2 to 6); [1] streams token by token */
  batchSizes?: number[]
  /** oldest records are dropped beyond this many, so a long-running dev server does not grow (default 10000) */
  maxRecords?: number
}

export interface SimRequestRecord {
  id: string
  deployment: string
  stream: boolean
  fault: SimFault | null
  /** HTTP status sent, 0 while none has been (and for a non-streaming cut or stall) */
  status: number
  /** the client went away before the response was complete */
  clientClosedEarly: boolean
  /** the response was sent completely (for a stream: up to and including `data: [DONE]`) */
  finished: boolean
  /** the request's messages, only with `recordPrompts` */
  messages?: PromptMessage[]
}

export interface AoaiSimulator {
  /** e.g. http://127.0.0.1:PORT, the Azure "endpoint" (the SDK adds /openai) */
  url: string
  port: number
  /** one per chat-completions request, in arrival order, updated live */
  requests: SimRequestRecord[]
  /** resolves when that response has ended or the client closed the connection */
  waitForRequestEnd(id: string): Promise<SimRequestRecord>
  /** closes the server and destroys open sockets (stalled streams included) */
  close(): Promise<void>
}

const MAX_BODY_BYTES = 2 * 1024 * 1024
const MAX_MESSAGES = 2048
const CONTEXT_WINDOW_TOKENS = 128_000
const MAX_OUTPUT_TOKENS = 16_384
const ROLES = ['system', 'assistant', 'user', 'function', 'tool', 'developer']
// Azure's default content filter releases text in buffered batches rather than token by token.
const BATCH_SIZES = [4, 3, 5, 2, 6, 4]
const FILTERED_CATEGORY: wire.FilterCategory = 'violence'
const REGION = 'Sweden Central'
// Azure reports the model behind a deployment, not the deployment's name.
const MODEL_VERSIONS: Record<string, string> = {
  'gpt-4o-mini': 'gpt-4o-mini-2024-07-18',
  'gpt-4o': 'gpt-4o-2024-11-20',
  'gpt-4.1': 'gpt-4.1-2025-04-14',
  'gpt-4.1-mini': 'gpt-4.1-mini-2025-04-14',
  'gpt-4.1-nano': 'gpt-4.1-nano-2025-04-14',
}
const API_VERSION = /^\d{4}-\d{2}-\d{2}(?:-preview)?$/
const MARKER =
  /\[\[sim:(rate_limit|server_error|prompt_filter|filter_mid|cut|end_early|stall)(?::(\d{1,6}))?\]\]/g
const FAULT_KEYS_KEPT = 10_000

type Route = { style: 'deployment'; deployment: string } | { style: 'v1' }

interface ChatRequest {
  messages: PromptMessage[]
  stream: boolean
  wantsUsage: boolean
  maxTokens: number | null
  model: string | null
}

interface Exchange {
  record: SimRequestRecord
  ended: boolean
  waiters: Array<(record: SimRequestRecord) => void>
  /** aborted when the response ends for any reason, which stops timers and pending writes */
  abort: AbortController
  /** the simulator itself dropped the connection (fault `cut`), so the client is not to blame */
  droppedByServer: boolean
  /** the HTTP response ended cleanly but the answer in it did not (fault `end_early`) */
  truncated: boolean
}

interface Pacing {
  tokensPerSecond: number
  firstTokenMs: number
}

export async function startAoaiSimulator(options: AoaiSimulatorOptions = {}): Promise<AoaiSimulator> {
  const apiKeyDigest = digest(options.apiKey ?? 'local-dev-key')
  const defaultPacing: Pacing = {
    tokensPerSecond: positive(options.tokensPerSecond, 50, 'tokensPerSecond'),
    firstTokenMs: nonNegative(options.firstTokenMs, 300, 'firstTokenMs'),
  }
  const faultRate = options.faultRate ?? 0
  if (!(faultRate >= 0 && faultRate <= 1)) throw new Error('faultRate must be between 0 and 1')
  const faultKinds = options.faultKinds ?? [...SIM_FAULTS]
  if (faultRate > 0 && faultKinds.length === 0) throw new Error('faultKinds must not be empty')
  const retryAfterMs = nonNegative(options.retryAfterMs, 1000, 'retryAfterMs')
  const random = options.random ?? Math.random
  const maxRecords = positive(options.maxRecords, 10_000, 'maxRecords')
  const batchSizes = options.batchSizes ?? BATCH_SIZES
  if (batchSizes.length === 0 || batchSizes.some((size) => !Number.isInteger(size) || size < 1)) {
    throw new Error('batchSizes must be positive integers')
  }
  const systemFingerprint = `fp_${randomBytes(5).toString('hex')}`

  const requests: SimRequestRecord[] = []
  const exchanges = new Map<string, Exchange>()
  const faultUses = new Map<string, number>()
  let sequence = 0
  let closing = false

  function track(res: http.ServerResponse, deployment: string): Exchange {
    sequence += 1
    const record: SimRequestRecord = {
      id: `sim-${sequence}`,
      deployment,
      stream: false,
      fault: null,
      status: 0,
      clientClosedEarly: false,
      finished: false,
    }
    const exchange: Exchange = {
      record,
      ended: false,
      waiters: [],
      abort: new AbortController(),
      droppedByServer: false,
      truncated: false,
    }
    requests.push(record)
    exchanges.set(record.id, exchange)
    if (requests.length > maxRecords) {
      for (const dropped of requests.splice(0, requests.length - maxRecords)) exchanges.delete(dropped.id)
    }

    res.setHeader('x-sim-request-id', record.id)
    res.setHeader('apim-request-id', randomUUID())
    res.setHeader('x-request-id', randomUUID())
    res.setHeader('x-ms-region', REGION)
    res.on('finish', () => {
      record.finished = !exchange.truncated
    })
    res.on('close', () => {
      if (!res.writableFinished && !exchange.droppedByServer && !closing) record.clientClosedEarly = true
      end(exchange)
    })
    return exchange
  }

  function end(exchange: Exchange) {
    if (exchange.ended) return
    exchange.ended = true
    exchange.abort.abort()
    for (const resolve of exchange.waiters.splice(0)) resolve(exchange.record)
    try {
      options.onRequestEnd?.(exchange.record)
    } catch {
      // A faulty observer must not take the simulator down.
    }
  }

  function chooseFault(
    req: http.IncomingMessage,
    lastUser: string,
    bodyHash: string,
  ): SimFault | null | wire.WireError {
    const header = headerValue(req, 'x-sim-fault')?.trim().toLowerCase()
    let kind: SimFault | null = null
    let count: number | null = null
    let key = ''
    if (header !== undefined && header !== '') {
      if (header === 'none') return null
      if (!isFault(header)) {
        return wire.simulatorMisuse(
          `Unknown x-sim-fault '${header}'; expected one of ${SIM_FAULTS.join(', ')}, none.`,
        )
      }
      kind = header
      const countHeader = headerValue(req, 'x-sim-fault-count')
      if (countHeader !== undefined) {
        count = Number(countHeader)
        if (!Number.isInteger(count) || count < 0) {
          return wire.simulatorMisuse('x-sim-fault-count must be a non-negative integer.')
        }
      }
      key = headerValue(req, 'x-sim-fault-key') ?? bodyHash
    } else {
      const marker = new RegExp(MARKER.source).exec(lastUser)
      if (marker?.[1] && isFault(marker[1])) {
        kind = marker[1]
        count = marker[2] === undefined ? null : Number(marker[2])
        key = bodyHash
      }
    }
    if (kind !== null) {
      if (count === null) return kind
      const counterKey = `${kind}\u0000${key}`
      const used = faultUses.get(counterKey) ?? 0
      if (used >= count) return null
      faultUses.delete(counterKey)
      faultUses.set(counterKey, used + 1)
      // Oldest keys go first (a Map iterates in insertion order), so memory stays bounded.
      if (faultUses.size > FAULT_KEYS_KEPT) {
        const oldest = faultUses.keys().next().value
        if (oldest !== undefined) faultUses.delete(oldest)
      }
      return kind
    }
    if (faultRate > 0 && random() < faultRate) {
      return faultKinds[Math.min(faultKinds.length - 1, Math.floor(random() * faultKinds.length))] ?? null
    }
    return null
  }

  function pacingFor(req: http.IncomingMessage): Pacing | wire.WireError {
    const tps = headerValue(req, 'x-sim-tokens-per-second')
    const first = headerValue(req, 'x-sim-first-token-ms')
    const pacing = { ...defaultPacing }
    if (tps !== undefined) {
      pacing.tokensPerSecond = Number(tps)
      if (!(pacing.tokensPerSecond > 0)) return wire.simulatorMisuse('x-sim-tokens-per-second must be > 0.')
    }
    if (first !== undefined) {
      pacing.firstTokenMs = Number(first)
      if (!(pacing.firstTokenMs >= 0)) return wire.simulatorMisuse('x-sim-first-token-ms must be >= 0.')
    }
    return pacing
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = parseUrl(req.url)
    const route = url && req.method === 'POST' ? matchRoute(url.pathname) : null
    if (!url || !route) {
      req.resume()
      sendError(res, null, wire.notFound())
      return
    }
    const exchange = track(res, route.style === 'deployment' ? route.deployment : '')
    const { record } = exchange

    if (!authorized(req, apiKeyDigest)) {
      req.resume()
      sendError(res, exchange, wire.unauthorized())
      return
    }
    const apiVersion = url.searchParams.get('api-version')
    if (route.style === 'deployment' && (apiVersion === null || !API_VERSION.test(apiVersion))) {
      req.resume()
      sendError(res, exchange, wire.notFound())
      return
    }

    const body = await readBody(req)
    if (exchange.ended) return
    if (body === 'too_large') return sendError(res, exchange, wire.payloadTooLarge(MAX_BODY_BYTES))
    let json: unknown
    try {
      json = JSON.parse(body.toString('utf8'))
    } catch {
      return sendError(res, exchange, wire.invalidRequest(UNPARSABLE_BODY))
    }
    const parsed = parseChatRequest(json, route.style === 'v1')
    if (!('messages' in parsed)) return sendError(res, exchange, parsed)
    if (route.style === 'v1') record.deployment = parsed.model ?? ''
    record.stream = parsed.stream
    if (options.recordPrompts) record.messages = parsed.messages.map((message) => ({ ...message }))

    const pacing = pacingFor(req)
    if ('status' in pacing) return sendError(res, exchange, pacing)

    const promptTokens = countPromptTokens(parsed.messages)
    if (promptTokens > CONTEXT_WINDOW_TOKENS) {
      return sendError(
        res,
        exchange,
        wire.invalidRequest(
          `This model's maximum context length is ${CONTEXT_WINDOW_TOKENS} tokens. However, your messages ` +
            `resulted in ${promptTokens} tokens. Please reduce the length of the messages.`,
          'messages',
          'context_length_exceeded',
        ),
      )
    }

    const lastUserIndex = parsed.messages.findLastIndex((message) => message.role === 'user')
    const lastUser = parsed.messages[lastUserIndex]?.content ?? ''
    const fault = chooseFault(req, lastUser, createHash('sha256').update(body).digest('hex'))
    if (fault !== null && typeof fault === 'object') return sendError(res, exchange, fault)
    record.fault = fault

    const effectiveVersion = route.style === 'v1' ? (apiVersion ?? 'v1') : (apiVersion ?? '')
    if (fault === 'rate_limit')
      return sendError(res, exchange, wire.rateLimited(effectiveVersion, retryAfterMs))
    if (fault === 'server_error') return sendError(res, exchange, wire.serverError())
    if (fault === 'prompt_filter') return sendError(res, exchange, wire.promptFiltered(FILTERED_CATEGORY))

    // The marker steers the simulator; it is not part of the question the "model" answers.
    const answerMessages = parsed.messages.map((message, index) =>
      index === lastUserIndex ? { ...message, content: message.content.replace(MARKER, '').trim() } : message,
    )
    let tokens = tokenize(composeAnswer(answerMessages))
    let finishReason: wire.FinishReason = 'stop'
    if (parsed.maxTokens !== null && tokens.length > parsed.maxTokens) {
      tokens = tokens.slice(0, parsed.maxTokens)
      finishReason = 'length'
    }
    const meta: wire.CompletionMeta = {
      id: completionId(),
      created: Math.floor(Date.now() / 1000),
      model: MODEL_VERSIONS[record.deployment] ?? record.deployment,
      systemFingerprint,
    }
    res.setHeader('x-ratelimit-remaining-requests', '99')
    res.setHeader('x-ratelimit-remaining-tokens', String(Math.max(0, 150_000 - promptTokens - tokens.length)))

    const includeUsage =
      parsed.wantsUsage && (route.style === 'v1' || effectiveVersion.slice(0, 10) >= '2024-08-01')
    const plan = { meta, tokens, finishReason, promptTokens, fault, pacing, includeUsage, batchSizes }
    if (parsed.stream) await streamAnswer(res, exchange, plan)
    else await answerAtOnce(res, exchange, plan)
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A client that hangs up mid-request is ordinary traffic, not a simulator failure.
      if (isAbort(error) || res.destroyed) return
      // No prompt text in here: only the error's own message, which never quotes the body.
      console.error('[aoai-sim] request failed:', error instanceof Error ? error.message : String(error))
      if (!res.headersSent) sendError(res, null, wire.serverError())
      else res.destroy()
    })
  })
  const sockets = new Set<Socket>()
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('simulator has no TCP address')
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address

  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    requests,
    waitForRequestEnd(id) {
      const exchange = exchanges.get(id)
      if (!exchange) return Promise.reject(new Error(`unknown simulator request id ${id}`))
      if (exchange.ended) return Promise.resolve(exchange.record)
      return new Promise((resolve) => exchange.waiters.push(resolve))
    },
    async close() {
      closing = true
      for (const exchange of exchanges.values()) exchange.abort.abort()
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      for (const socket of sockets) socket.destroy()
      await closed
    },
  }
}

interface AnswerPlan {
  meta: wire.CompletionMeta
  tokens: string[]
  finishReason: wire.FinishReason
  promptTokens: number
  fault: SimFault | null
  pacing: Pacing
  includeUsage: boolean
  batchSizes: readonly number[]
}

async function streamAnswer(res: http.ServerResponse, exchange: Exchange, plan: AnswerPlan) {
  const { meta, pacing } = plan
  const signal = exchange.abort.signal
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' })
  exchange.record.status = 200

  const send = async (payload: object) => {
    if (exchange.ended) return
    const event = plan.includeUsage && !('usage' in payload) ? { ...payload, usage: null } : payload
    if (!res.write(`data: ${JSON.stringify(event)}\n\n`)) await once(res, 'drain', { signal })
  }

  await send(wire.promptFilterChunk())
  await send(wire.choiceChunk(meta, { role: 'assistant', content: '' }, null, {}))

  const batches = batch(plan.tokens, plan.batchSizes)
  // Where a fault interrupts the answer: after the first batch for a stall, about halfway otherwise.
  const interruptAt =
    plan.fault === 'stall' ? 1 : Math.min(batches.length, Math.max(1, Math.floor(batches.length / 2)))
  const started = performance.now()
  let sentTokens = 0
  let finishReason = plan.finishReason
  let filtered: wire.FilterCategory | null = null
  for (let index = 0; index <= batches.length; index++) {
    if (index === interruptAt) {
      if (plan.fault === 'stall') return // the connection stays open until the client or close() ends it
      if (plan.fault === 'cut') {
        exchange.droppedByServer = true
        res.destroy()
        return
      }
      if (plan.fault === 'end_early') {
        exchange.truncated = true
        res.end()
        return
      }
      if (plan.fault === 'filter_mid') {
        finishReason = 'content_filter'
        filtered = FILTERED_CATEGORY
        break
      }
    }
    const current = batches[index]
    if (current === undefined) break
    const due = started + pacing.firstTokenMs + (sentTokens * 1000) / pacing.tokensPerSecond
    const wait = due - performance.now()
    if (wait > 0) await delay(wait, undefined, { signal })
    await send(wire.choiceChunk(meta, { content: current.text }, null, wire.completionFilterResults()))
    sentTokens += current.tokens
  }

  const finalFilter = filtered === null ? {} : wire.completionFilterResults(filtered)
  await send(wire.choiceChunk(meta, {}, finishReason, finalFilter))
  if (plan.includeUsage) await send(wire.usageChunk(meta, plan.promptTokens, sentTokens))
  if (!exchange.ended) res.end('data: [DONE]\n\n')
}

async function answerAtOnce(res: http.ServerResponse, exchange: Exchange, plan: AnswerPlan) {
  const { pacing } = plan
  // A non-streaming call takes as long as generating the whole answer would.
  const wait = pacing.firstTokenMs + (plan.tokens.length * 1000) / pacing.tokensPerSecond
  await delay(wait, undefined, { signal: exchange.abort.signal })
  if (plan.fault === 'stall') return
  if (plan.fault === 'cut') {
    exchange.droppedByServer = true
    res.destroy()
    return
  }
  if (plan.fault === 'end_early') {
    const full = JSON.stringify(
      wire.chatCompletion(
        plan.meta,
        plan.tokens.join(''),
        plan.finishReason,
        null,
        plan.promptTokens,
        plan.tokens.length,
      ),
    )
    exchange.truncated = true
    exchange.record.status = 200
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(full.slice(0, Math.floor(full.length / 2)))
    return
  }
  let content: string | null = plan.tokens.join('')
  let finishReason = plan.finishReason
  let completionTokens = plan.tokens.length
  let filtered: wire.FilterCategory | null = null
  if (plan.fault === 'filter_mid') {
    // Azure withholds a filtered completion's text but still bills what was generated.
    content = null
    finishReason = 'content_filter'
    completionTokens = Math.max(1, Math.floor(plan.tokens.length / 2))
    filtered = FILTERED_CATEGORY
  }
  const body = wire.chatCompletion(
    plan.meta,
    content,
    finishReason,
    filtered,
    plan.promptTokens,
    completionTokens,
  )
  sendJson(res, exchange, 200, body)
}

function batch(tokens: readonly string[], sizes: readonly number[]): Array<{ text: string; tokens: number }> {
  const batches: Array<{ text: string; tokens: number }> = []
  let position = 0
  while (position < tokens.length) {
    const size = sizes[batches.length % sizes.length] ?? 1
    const slice = tokens.slice(position, position + size)
    batches.push({ text: slice.join(''), tokens: slice.length })
    position += slice.length
  }
  return batches
}

// ---- request parsing ----

const UNPARSABLE_BODY =
  "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP " +
  'library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)'

function parseChatRequest(body: unknown, modelRequired: boolean): ChatRequest | wire.WireError {
  if (!isObject(body)) {
    return wire.invalidRequest(
      `Invalid type for request body: expected an object, but got ${typeName(body)} instead.`,
    )
  }
  const { messages } = body
  if (messages === undefined || messages === null) {
    return wire.invalidRequest(
      "Missing required parameter: 'messages'.",
      'messages',
      'missing_required_parameter',
    )
  }
  if (!Array.isArray(messages)) {
    return wire.invalidRequest(
      `Invalid type for 'messages': expected an array, but got ${typeName(messages)} instead.`,
      'messages',
      'invalid_type',
    )
  }
  if (messages.length === 0) {
    return wire.invalidRequest(
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      'messages',
      'empty_array',
    )
  }
  if (messages.length > MAX_MESSAGES) {
    return wire.invalidRequest(
      `Invalid 'messages': array too long. Expected an array with maximum length ${MAX_MESSAGES}, but got an ` +
        `array with length ${messages.length} instead.`,
      'messages',
      'array_above_max_length',
    )
  }
  const normalised: PromptMessage[] = []
  for (const [index, message] of messages.entries()) {
    const param = `messages[${index}]`
    if (!isObject(message)) {
      return wire.invalidRequest(
        `Invalid type for '${param}': expected an object, but got ${typeName(message)} instead.`,
        param,
        'invalid_type',
      )
    }
    if (typeof message.role !== 'string' || !ROLES.includes(message.role)) {
      if (message.role === undefined) {
        return wire.invalidRequest(
          `Missing required parameter: '${param}.role'.`,
          `${param}.role`,
          'missing_required_parameter',
        )
      }
      return wire.invalidRequest(
        `Invalid value: ${JSON.stringify(message.role)}. Supported values are: ${ROLES.map((role) => `'${role}'`).join(', ')}.`,
        `${param}.role`,
        'invalid_value',
      )
    }
    const content = textOf(message.content)
    if (content === null) {
      if (message.content === undefined) {
        return wire.invalidRequest(
          `Missing required parameter: '${param}.content'.`,
          `${param}.content`,
          'missing_required_parameter',
        )
      }
      return wire.invalidRequest(
        `Invalid type for '${param}.content': expected one of a string or array of objects, but got ` +
          `${typeName(message.content)} instead.`,
        `${param}.content`,
        'invalid_type',
      )
    }
    if (message.name !== undefined && typeof message.name !== 'string') {
      return wire.invalidRequest(
        `Invalid type for '${param}.name': expected a string, but got ${typeName(message.name)} instead.`,
        `${param}.name`,
        'invalid_type',
      )
    }
    normalised.push(
      message.name ? { role: message.role, content, name: message.name } : { role: message.role, content },
    )
  }

  const stream = body.stream ?? false
  if (typeof stream !== 'boolean') {
    return wire.invalidRequest(
      `Invalid type for 'stream': expected a boolean, but got ${typeName(stream)} instead.`,
      'stream',
      'invalid_type',
    )
  }
  const streamOptions = body.stream_options ?? null
  if (streamOptions !== null) {
    if (!stream) {
      return wire.invalidRequest(
        "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
        'stream_options',
      )
    }
    if (!isObject(streamOptions)) {
      return wire.invalidRequest(
        `Invalid type for 'stream_options': expected an object, but got ${typeName(streamOptions)} instead.`,
        'stream_options',
        'invalid_type',
      )
    }
  }
  const maxTokens = tokenLimit(body, 'max_tokens')
  if (typeof maxTokens === 'object' && maxTokens !== null) return maxTokens
  const maxCompletionTokens = tokenLimit(body, 'max_completion_tokens')
  if (typeof maxCompletionTokens === 'object' && maxCompletionTokens !== null) return maxCompletionTokens
  if (maxTokens !== null && maxCompletionTokens !== null) {
    return wire.invalidRequest(
      "max_tokens and max_completion_tokens cannot both be set. Please use 'max_completion_tokens'.",
      'max_tokens',
      'invalid_value',
    )
  }
  const model = body.model ?? null
  if (model !== null && (typeof model !== 'string' || model.length > 256)) {
    return wire.invalidRequest(
      `Invalid type for 'model': expected a string, but got ${typeName(model)} instead.`,
      'model',
      'invalid_type',
    )
  }
  if (modelRequired && !model) {
    return wire.invalidRequest("Missing required parameter: 'model'.", 'model', 'missing_required_parameter')
  }
  return {
    messages: normalised,
    stream,
    wantsUsage: isObject(streamOptions) && streamOptions.include_usage === true,
    maxTokens: maxTokens ?? maxCompletionTokens,
    model,
  }
}

function tokenLimit(body: Record<string, unknown>, name: string): number | null | wire.WireError {
  const value = body[name] ?? null
  if (value === null) return null
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    return wire.invalidRequest(
      `Invalid type for '${name}': expected an integer, but got ${typeName(value)} instead.`,
      name,
      'invalid_type',
    )
  }
  if (value < 1) {
    return wire.invalidRequest(
      `Invalid '${name}': integer below minimum value. Expected a value >= 1, but got ${value} instead.`,
      name,
      'integer_below_min_value',
    )
  }
  if (value > MAX_OUTPUT_TOKENS) {
    return wire.invalidRequest(
      `${name} is too large: ${value}. This model supports at most ${MAX_OUTPUT_TOKENS} completion tokens, ` +
        `whereas you provided ${value}.`,
      name,
      'invalid_value',
    )
  }
  return value
}

/** A string, or the joined text of an array of `{ type: 'text', text }` parts, as Azure accepts both. */
function textOf(content: unknown): string | null {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return null
  const parts: string[] = []
  for (const part of content) {
    if (!isObject(part) || part.type !== 'text' || typeof part.text !== 'string') return null
    parts.push(part.text)
  }
  return parts.join('')
}

// ---- HTTP plumbing ----

function matchRoute(pathname: string): Route | null {
  const deployment = /^\/openai\/deployments\/([^/]+)\/chat\/completions\/?$/.exec(pathname)
  if (deployment?.[1]) {
    try {
      return { style: 'deployment', deployment: decodeURIComponent(deployment[1]) }
    } catch {
      return null
    }
  }
  if (/^\/openai\/v1\/chat\/completions\/?$/.test(pathname)) return { style: 'v1' }
  return null
}

function parseUrl(raw: string | undefined): URL | null {
  try {
    return new URL(raw ?? '/', 'http://simulator.invalid')
  } catch {
    return null
  }
}

function authorized(req: http.IncomingMessage, expected: Buffer): boolean {
  const apiKey = headerValue(req, 'api-key')
  const bearer = /^Bearer\s+(.+)$/i.exec(headerValue(req, 'authorization') ?? '')?.[1]
  const presented = apiKey ?? bearer
  return presented !== undefined && timingSafeEqual(digest(presented), expected)
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest()
}

function headerValue(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name]
  return Array.isArray(value) ? value[0] : value
}

/** The whole body, or 'too_large' once it passes the limit (the rest is read and discarded). */
async function readBody(req: http.IncomingMessage): Promise<Buffer | 'too_large'> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk))
    size += buffer.length
    if (size <= MAX_BODY_BYTES) chunks.push(buffer)
  }
  return size > MAX_BODY_BYTES ? 'too_large' : Buffer.concat(chunks)
}

function sendError(res: http.ServerResponse, exchange: Exchange | null, error: wire.WireError) {
  sendJson(res, exchange, error.status, error.body, error.headers)
}

function sendJson(
  res: http.ServerResponse,
  exchange: Exchange | null,
  status: number,
  body: object,
  headers: Record<string, string> = {},
) {
  if (exchange?.ended || res.headersSent) return
  if (exchange) exchange.record.status = status
  res.writeHead(status, { ...headers, 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

function completionId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
  return `chatcmpl-${Array.from(randomBytes(29), (byte) => alphabet[byte % alphabet.length]).join('')}`
}

function isFault(value: string): value is SimFault {
  return (SIM_FAULTS as readonly string[]).includes(value)
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function typeName(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a decimal'
  return `a ${typeof value}`
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.message === 'aborted')
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback
  if (!(value > 0)) throw new Error(`${name} must be > 0`)
  return value
}

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback
  if (!(value >= 0)) throw new Error(`${name} must be >= 0`)
  return value
}
