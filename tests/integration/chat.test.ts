// The chat stream end to end: real HTTP into the app, the real `openai` SDK talking
// HTTP to the Azure OpenAI simulator, real PostgreSQL underneath.
import { trace } from '@opentelemetry/api'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import postgres from 'postgres'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startAoaiSimulator, type AoaiSimulator } from '#infra/local/aoai-simulator/server.ts'
import type { ChatEvent } from '#server/chat/events.ts'
import { createChatRateLimiter } from '#server/limits/rate-limit.ts'
import { createLogger } from '#server/logger.ts'
import type { StartedApp } from '#server/main.ts'
import { interruptStaleStreams } from '#server/services/chat/recovery.ts'
import { startTestApp } from '#tests/support/app-server.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { seedTwoClinics, type FixtureUser, type TwoClinics } from '#tests/support/fixtures.ts'
import { collectGarbage } from '#tests/support/gc.ts'
import { sessionCookieFor } from '#tests/support/sessions.ts'
import { trpcCall } from '#tests/support/trpc-http.ts'

const spans = new InMemorySpanExporter()
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }))

let testDb: TestDatabase
let fixture: TwoClinics
let simulator: AoaiSimulator
let app: StartedApp
let owner: postgres.Sql
const env = (simulatorUrl: string, databaseUrl: string) => ({
  DATABASE_URL: databaseUrl,
  AZURE_OPENAI_ENDPOINT: simulatorUrl,
  AZURE_OPENAI_API_KEY: 'test-key',
  AZURE_OPENAI_DEPLOYMENT: 'gpt-4o-mini',
  LLM_IDLE_TIMEOUT_MS: '1500',
  LLM_REQUEST_TIMEOUT_MS: '5000',
  LLM_MAX_RETRIES: '2',
  CHAT_RATE_LIMIT_PER_MINUTE: '10000',
})

beforeAll(async () => {
  testDb = await createTestDatabase()
  fixture = await seedTwoClinics(testDb.ownerUrl)
  simulator = await startAoaiSimulator({
    apiKey: 'test-key',
    tokensPerSecond: 150,
    firstTokenMs: 30,
    retryAfterMs: 150,
  })
  app = await startTestApp(env(simulator.url, testDb.appUrl))
  owner = postgres(testDb.ownerUrl, { max: 2, onnotice: () => {} })
})

afterAll(async () => {
  await app?.close()
  await simulator?.close()
  await owner?.end()
  await testDb?.drop()
})

beforeEach(() => {
  app.services.chatRateLimiter = createChatRateLimiter(10_000)
})

async function newConversation(user: FixtureUser, title = 'New conversation'): Promise<string> {
  const [row] = await owner<Array<{ id: string }>>`
    insert into conversations (tenant_id, owner_user_id, title)
    values (${user.tenantId}, ${user.userId}, ${title}) returning id`
  return row!.id
}

interface StoredMessage {
  id: string
  role: 'user' | 'assistant'
  content: string
  status: string
  error_code: string | null
  finish_reason: string | null
  prompt_tokens: number | null
  completion_tokens: number | null
  usage_estimated: boolean
}

function messagesOf(conversationId: string) {
  return owner<StoredMessage[]>`
    select id, role, content, status, error_code, finish_reason, prompt_tokens, completion_tokens, usage_estimated
      from messages where conversation_id = ${conversationId} order by created_at, role, id`
}

async function waitForTerminal(conversationId: string): Promise<StoredMessage[]> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const rows = await messagesOf(conversationId)
    if (rows.length > 0 && rows.every((row) => row.status !== 'streaming')) return rows
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error('an answer stayed streaming')
}

function parseEvents(text: string): ChatEvent[] {
  return text
    .split('\n\n')
    .map((frame) => frame.split('\n').find((line) => line.startsWith('data: ')))
    .filter((line): line is string => line !== undefined)
    .map((line) => JSON.parse(line.slice('data: '.length)) as ChatEvent)
}

async function headersFor(user: FixtureUser) {
  return { cookie: await sessionCookieFor(app.services, user), 'content-type': 'application/json' }
}

async function chat(user: FixtureUser, conversationId: string, body: unknown, extraHeaders = {}) {
  const response = await fetch(`${app.url}/api/chat/${conversationId}`, {
    method: 'POST',
    headers: { ...(await headersFor(user)), ...extraHeaders },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  const text = await response.text()
  const isStream = response.headers.get('content-type')?.startsWith('text/event-stream') ?? false
  return {
    status: response.status,
    headers: response.headers,
    events: isStream ? parseEvents(text) : [],
    json: isStream ? null : (JSON.parse(text) as { error: { code: string; message: string } }),
  }
}

async function usageToday(user: FixtureUser) {
  const [row] = await owner<
    Array<{ requests: number; prompt_tokens: string; completion_tokens: string; estimated_tokens: string }>
  >`
    select sum(requests)::int as requests, sum(prompt_tokens)::text as prompt_tokens,
           sum(completion_tokens)::text as completion_tokens, sum(estimated_tokens)::text as estimated_tokens
      from usage -- over the day's models
     where tenant_id = ${user.tenantId} and user_id = ${user.userId} and day = (now() at time zone 'UTC')::date`
  return {
    requests: row?.requests ?? 0,
    promptTokens: Number(row?.prompt_tokens ?? 0),
    completionTokens: Number(row?.completion_tokens ?? 0),
    estimatedTokens: Number(row?.estimated_tokens ?? 0),
  }
}

describe('a full exchange', () => {
  it('streams deltas in order, ends complete, and stores usage on the message and in the daily roll-up', async () => {
    const conversationId = await newConversation(fixture.a1)
    const before = await usageToday(fixture.a1)
    spans.reset()
    const question = 'Wie kann ich eine Patientin mit Schlafstörungen in der ersten Sitzung unterstützen?'
    const result = await chat(fixture.a1, conversationId, { content: question })

    expect(result.status).toBe(200)
    expect(result.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const [start, ...rest] = result.events
    expect(start).toMatchObject({
      type: 'start',
      conversationId,
      title: 'Wie kann ich eine Patientin mit Schlafstörungen in der…',
    })
    const deltas = rest.filter((event) => event.type === 'delta')
    expect(deltas.length).toBeGreaterThan(3)
    const done = rest.at(-1)!
    expect(done).toMatchObject({ type: 'done', status: 'complete', finishReason: 'stop' })
    if (done.type !== 'done') throw new Error('unreachable')
    expect(done.usage.estimated).toBe(false)
    expect(done.usage.promptTokens).toBeGreaterThan(0)
    expect(done.usage.completionTokens).toBeGreaterThan(0)

    const rows = await messagesOf(conversationId)
    expect(rows.map((row) => [row.role, row.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'complete'],
    ])
    expect(rows[0]!.content).toBe(question)
    expect(rows[1]!.content).toBe(deltas.map((delta) => (delta.type === 'delta' ? delta.text : '')).join(''))
    expect(rows[1]).toMatchObject({
      finish_reason: 'stop',
      prompt_tokens: done.usage.promptTokens,
      completion_tokens: done.usage.completionTokens,
      usage_estimated: false,
    })
    const after = await usageToday(fixture.a1)
    expect(after.requests).toBe(before.requests + 1)
    expect(after.promptTokens - before.promptTokens).toBe(done.usage.promptTokens)
    expect(after.completionTokens - before.completionTokens).toBe(done.usage.completionTokens)

    // The first exchange names the conversation after the question's first line.
    const [conversation] = await owner`select title from conversations where id = ${conversationId}`
    expect(conversation!.title).toBe(start!.type === 'start' ? start!.title : '')
    expect(conversation!.title).toMatch(/^Wie kann ich eine Patientin mit Schlafstörungen/)
    expect(conversation!.title.length).toBeLessThanOrEqual(61)

    // One span with model, counts and finish reason, and no prompt or answer text anywhere in it.
    const span = spans.getFinishedSpans().find((candidate) => candidate.name === 'chat.completion')!
    expect(span.attributes).toMatchObject({
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.usage.input_tokens': done.usage.promptTokens,
      'gen_ai.usage.output_tokens': done.usage.completionTokens,
      'gen_ai.response.finish_reasons': ['stop'],
      'clinai.chat.status': 'complete',
    })
    expect(span.attributes['clinai.chat.time_to_first_token_ms']).toEqual(expect.any(Number))
    const spanText = JSON.stringify(span.attributes)
    expect(spanText).not.toContain('Schlafstörungen')
    expect(spanText).not.toContain(rows[1]!.content.slice(0, 30))
  })

  it('sends the clinic system prompt and the history, and answers a script with a personal access token', async () => {
    const conversationId = await newConversation(fixture.a1, 'Named already')
    await owner`update tenants set system_prompt = ${'Antworte immer auf Deutsch.'} where id = ${fixture.a1.tenantId}`
    try {
      const first = await chat(fixture.a1, conversationId, { content: 'Erste Frage zur Anamnese' })
      expect(first.events.at(-1)).toMatchObject({ type: 'done' })
      const tokenResponse = await fetch(`${app.url}/api/trpc/tokens.create`, {
        method: 'POST',
        headers: await headersFor(fixture.a1),
        body: JSON.stringify({ name: 'chat script' }),
      })
      const token = ((await tokenResponse.json()) as { result: { data: { token: string } } }).result.data
        .token
      const response = await fetch(`${app.url}/api/chat/${conversationId}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ content: 'Zweite Frage' }),
      })
      expect(response.status).toBe(200)
      const events = parseEvents(await response.text())
      expect(events[0]).toMatchObject({ type: 'start', title: 'Named already' })
      expect(events.at(-1)).toMatchObject({ type: 'done' })
      const rows = await messagesOf(conversationId)
      expect(rows.map((row) => row.role)).toEqual(['user', 'assistant', 'user', 'assistant'])
      // The second request's prompt: system + the first exchange + the new question (the simulator's token count grows).
      const [firstAnswer, secondAnswer] = [rows[1]!, rows[3]!]
      expect(secondAnswer.prompt_tokens!).toBeGreaterThan(
        firstAnswer.prompt_tokens! + firstAnswer.completion_tokens!,
      )
    } finally {
      await owner`update tenants set system_prompt = null where id = ${fixture.a1.tenantId}`
    }
  })
})

describe('faults keep the question and end the answer in the right state', () => {
  const cases = [
    { fault: 'server_error', code: 'model_unavailable', partial: false },
    { fault: 'prompt_filter', code: 'content_filter', partial: false },
    { fault: 'filter_mid', code: 'content_filter', partial: true },
    { fault: 'cut', code: 'incomplete', partial: true },
    { fault: 'end_early', code: 'incomplete', partial: true },
    { fault: 'stall', code: 'timeout', partial: true },
    { fault: 'rate_limit:9', code: 'model_rate_limited', partial: false },
  ] as const

  for (const { fault, code, partial } of cases) {
    it(`${fault} → error ${code}`, async () => {
      const conversationId = await newConversation(fixture.a2)
      const question = `Bitte eine kurze Übersicht zur Gesprächsführung [[sim:${fault}]]`
      const result = await chat(fixture.a2, conversationId, { content: question })
      expect(result.status).toBe(200)
      const last = result.events.at(-1)!
      expect(last).toMatchObject({ type: 'error', status: 'error', code })
      if (last.type !== 'error') throw new Error('unreachable')
      // A code, never a sentence or upstream text: the browser words it.
      expect(last.message).toBe(last.code)

      const rows = await messagesOf(conversationId)
      expect(rows.map((row) => [row.role, row.status, row.error_code])).toEqual([
        ['user', 'complete', null],
        ['assistant', 'error', code],
      ])
      expect(rows[0]!.content).toBe(question)
      const streamed = result.events.map((event) => (event.type === 'delta' ? event.text : '')).join('')
      expect(rows[1]!.content).toBe(streamed)
      if (partial) {
        expect(streamed.length).toBeGreaterThan(0)
        expect(rows[1]!.usage_estimated).toBe(fault !== 'filter_mid')
      } else {
        expect(streamed).toBe('')
        expect(rows[1]).toMatchObject({ prompt_tokens: 0, completion_tokens: 0 })
      }
    })
  }

  it('retries a 429 before the stream within the retry budget and then answers', async () => {
    const conversationId = await newConversation(fixture.a2)
    const before = simulator.requests.length
    const result = await chat(fixture.a2, conversationId, {
      content: 'Ein Vorschlag für die Tagesstruktur [[sim:rate_limit:2]]',
    })
    expect(result.events.at(-1)).toMatchObject({ type: 'done', status: 'complete' })
    const attempts = simulator.requests.slice(before)
    expect(attempts.map((record) => record.status)).toEqual([429, 429, 200])
  })

  it('gives up on 429 after the retry budget (1 + 2 retries) without streaming', async () => {
    const before = simulator.requests.length
    const conversationId = await newConversation(fixture.a2)
    await chat(fixture.a2, conversationId, { content: 'Noch ein Versuch [[sim:rate_limit:9]]' })
    expect(simulator.requests.slice(before).map((record) => record.status)).toEqual([429, 429, 429])
  })
})

describe('stopping', () => {
  it('a client abort mid-stream hangs up on the model and keeps the partial text as stopped', async () => {
    // Its own slow model and app: the collection below pauses this process (the simulator's
    // too), and a schedule-paced simulator then sends every overdue token at once; at 20 tokens
    // a second the answer still has seconds to go when the abort arrives, however busy the run.
    const slow = await startAoaiSimulator({ apiKey: 'test-key', tokensPerSecond: 20, firstTokenMs: 30 })
    const slowApp = await startTestApp(env(slow.url, testDb.appUrl))
    try {
      await abortMidStream(slow, slowApp)
    } finally {
      await slowApp.close()
      await slow.close()
    }
  })

  async function abortMidStream(simulator: AoaiSimulator, app: StartedApp) {
    const conversationId = await newConversation(fixture.a1)
    const before = simulator.requests.length
    const controller = new AbortController()
    const response = await fetch(`${app.url}/api/chat/${conversationId}`, {
      method: 'POST',
      headers: await headersFor(fixture.a1),
      body: JSON.stringify({
        content: 'Schreibe einen ausführlichen Plan für zwölf Sitzungen zur Angstbewältigung.',
      }),
      signal: controller.signal,
    })
    // Remix hands the route a copy of the request whose signal undici links to its source only
    // weakly: after a collection that signal never fires, so the app must not depend on it. (Here,
    // as soon as the answer has begun, so the collection's pause leaves most of it to stream.)
    await collectGarbage()
    const reader = response.body!.getReader()
    const decoder = new TextDecoder()
    let received = ''
    while ((received.match(/event: delta/g) ?? []).length < 3) {
      const { value, done } = await reader.read()
      if (done) throw new Error('the stream ended before the test could stop it')
      received += decoder.decode(value, { stream: true })
    }
    controller.abort()
    // undici follows a fetch's signal only weakly: after that collection the abort alone may not
    // close this side's connection. Cancelling the body does, as a closed tab would.
    await reader.cancel().catch(() => {})

    const record = simulator.requests[before]!
    const ended = await simulator.waitForRequestEnd(record.id)
    expect(ended.clientClosedEarly).toBe(true)
    expect(ended.finished).toBe(false)

    const rows = await waitForTerminal(conversationId)
    expect(rows[1]).toMatchObject({
      role: 'assistant',
      status: 'stopped',
      error_code: null,
      usage_estimated: true,
    })
    const shown = parseEvents(received)
      .map((event) => (event.type === 'delta' ? event.text : ''))
      .join('')
    expect(rows[1]!.content.startsWith(shown)).toBe(true)
    expect(rows[1]!.content.length).toBeGreaterThan(0)
  }
})

describe('refusals happen before any model call and store nothing', () => {
  async function refusedWithoutModelCall<T>(run: () => Promise<T>, conversationId: string): Promise<T> {
    const requests = simulator.requests.length
    const messagesBefore = (await messagesOf(conversationId)).length
    const result = await run()
    expect(simulator.requests.length).toBe(requests)
    expect((await messagesOf(conversationId)).length).toBe(messagesBefore)
    return result
  }

  it("another clinic's or another therapist's conversation: 404", async () => {
    for (const other of [fixture.content.b1.conversationId, fixture.content.a2.conversationId]) {
      const result = await refusedWithoutModelCall(() => chat(fixture.a1, other, { content: 'Hallo' }), other)
      expect(result).toMatchObject({ status: 404, json: { error: { code: 'not_found' } } })
    }
    const missing = await chat(fixture.a1, '00000000-0000-4000-8000-000000000000', { content: 'Hallo' })
    expect(missing.status).toBe(404)
    expect((await chat(fixture.a1, 'not-a-uuid', { content: 'Hallo' })).status).toBe(404)
  })

  it('an exhausted monthly budget: 409 budget_exhausted', async () => {
    const conversationId = await newConversation(fixture.b1)
    await owner`update tenants set monthly_token_budget = 0 where id = ${fixture.b1.tenantId}`
    try {
      const result = await refusedWithoutModelCall(
        () => chat(fixture.b1, conversationId, { content: 'Hallo' }),
        conversationId,
      )
      expect(result).toMatchObject({ status: 409, json: { error: { code: 'budget_exhausted' } } })
    } finally {
      await owner`update tenants set monthly_token_budget = 2000000 where id = ${fixture.b1.tenantId}`
    }
  })

  it('the per-user rate limit: 429 with Retry-After, other people unaffected', async () => {
    app.services.chatRateLimiter = createChatRateLimiter(1)
    const conversationId = await newConversation(fixture.a1)
    expect((await chat(fixture.a1, conversationId, { content: 'Erste Nachricht' })).status).toBe(200)
    const result = await refusedWithoutModelCall(
      () => chat(fixture.a1, conversationId, { content: 'Zweite Nachricht' }),
      conversationId,
    )
    expect(result).toMatchObject({ status: 429, json: { error: { code: 'rate_limited' } } })
    expect(Number(result.headers.get('retry-after'))).toBeGreaterThan(0)
    const colleague = await newConversation(fixture.a2)
    expect((await chat(fixture.a2, colleague, { content: 'Hallo' })).status).toBe(200)
  })

  it('bad input: 400 with a clear message; wrong method 405; no credentials 401', async () => {
    const conversationId = await newConversation(fixture.a1)
    const headers = await headersFor(fixture.a1)
    const bad: Array<[unknown, string]> = [
      [{ content: '' }, 'empty_message'],
      [{ content: '   \n ' }, 'empty_message'],
      [{ content: 'x'.repeat(16_001) }, 'message_too_long'],
      [{ content: 'null byte \u0000 here' }, 'control_characters'],
      [{ content: 42 }, 'invalid_shape'],
      [{ content: 'hi', extra: true }, 'invalid_shape'],
      ['{not json', 'invalid_json'],
      [[], 'invalid_shape'],
    ]
    for (const [body, reason] of bad) {
      const result = await refusedWithoutModelCall(
        () => chat(fixture.a1, conversationId, body),
        conversationId,
      )
      expect(result.status, JSON.stringify(body)).toBe(400)
      expect(result.json!.error, JSON.stringify(body)).toMatchObject({
        code: 'invalid_input',
        message: 'invalid_input',
        reason,
      })
    }
    // A body past the limit is refused while reading, even sent chunked without Content-Length,
    // with a 413 the client receives (tests/security/hardening.test.ts checks the connection).
    // Valid JSON with a short message, padded past the limit: only the size can refuse it.
    const oversized = `{"content": "hi"${' '.repeat(300_000)}}`
    const chunked = await refusedWithoutModelCall(
      () =>
        fetch(`${app.url}/api/chat/${conversationId}`, {
          method: 'POST',
          headers: { cookie: headers.cookie, 'content-type': 'application/json' },
          body: new Blob([oversized]).stream(),
          duplex: 'half',
        } as RequestInit).then(
          (response) => response.status,
          (error: unknown) => (error as Error).name,
        ),
      conversationId,
    )
    expect(chunked).toBe(413)
    const plain = await chat(fixture.a1, conversationId, { content: 'hi' }, { 'content-type': 'text/plain' })
    expect(plain).toMatchObject({ status: 400, json: { error: { code: 'invalid_input' } } })
    expect((await fetch(`${app.url}/api/chat/${conversationId}`)).status).toBe(405)
    const anonymous = await fetch(`${app.url}/api/chat/${conversationId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'hi' }),
    })
    expect(anonymous.status).toBe(401)
    const badToken = await fetch(`${app.url}/api/chat/${conversationId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer clinai_pat_nope' },
      body: JSON.stringify({ content: 'hi' }),
    })
    expect(badToken.status).toBe(401)
    expect(await messagesOf(conversationId)).toEqual([])
  })

  it('a session revoked after it was used: 401 whatever else is wrong, on the chat and the API alike', async () => {
    // Used once, so this process remembers whose session it is (for the rate limit's key); the
    // credential is still checked on every request.
    const conversationId = await newConversation(fixture.a1)
    const headers = await headersFor(fixture.a1)
    const send = (body: string, id = conversationId) =>
      fetch(`${app.url}/api/chat/${id}`, { method: 'POST', headers, body })
    const used = await send(JSON.stringify({ content: 'Eine erste Frage.' }))
    expect(used.status).toBe(200)
    await used.text()
    await waitForTerminal(conversationId)
    const listed = await trpcCall(
      app.url,
      'query',
      'conversations.list',
      { limit: 5 },
      { cookie: headers.cookie },
    )
    expect(listed.status).toBe(200)

    // Every live session of theirs (the other tests sign in anew each time).
    const [session] = await owner<Array<{ id: string }>>`
      update sessions set revoked_at = now()
       where tenant_id = ${fixture.a1.tenantId} and user_id = ${fixture.a1.userId} and revoked_at is null
      returning id`
    expect(session).toBeDefined()
    const refusals: Array<[string, string]> = [
      [JSON.stringify({ content: 'Eine zweite Frage.' }), conversationId],
      ['{not json', conversationId],
      [JSON.stringify({ content: 'Eine zweite Frage.' }), 'not-a-uuid'],
    ]
    for (const [body, id] of refusals) {
      const response = await send(body, id)
      expect(response.status, body).toBe(401)
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unauthenticated')
    }
    const api = await trpcCall(
      app.url,
      'query',
      'conversations.list',
      { limit: 5 },
      { cookie: headers.cookie },
    )
    expect(api.status).toBe(401)
    expect(await messagesOf(conversationId)).toHaveLength(2)
  })
})

describe('cross-site requests', () => {
  it('a cookie-carrying write from another site is refused; our own pages and bearer scripts pass', async () => {
    const conversationId = await newConversation(fixture.a1)
    const evil = await chat(
      fixture.a1,
      conversationId,
      { content: 'Hallo' },
      { origin: 'https://evil.example' },
    )
    expect(evil).toMatchObject({ status: 403, json: { error: { code: 'cross_site_request' } } })
    const framed = await chat(
      fixture.a1,
      conversationId,
      { content: 'Hallo' },
      { 'sec-fetch-site': 'cross-site' },
    )
    expect(framed.status).toBe(403)
    const tokenAttempt = await fetch(`${app.url}/api/trpc/tokens.create`, {
      method: 'POST',
      headers: { ...(await headersFor(fixture.a1)), origin: 'https://evil.example' },
      body: JSON.stringify({ name: 'stolen' }),
    })
    expect(tokenAttempt.status).toBe(403)
    expect(await messagesOf(conversationId)).toEqual([])
    const [tokens] = await owner`select count(*)::int as n from api_tokens where name = 'stolen'`
    expect(tokens!.n).toBe(0)

    const own = await chat(fixture.a1, conversationId, { content: 'Hallo' }, { origin: app.url })
    expect(own.status).toBe(200)
  })
})

describe('regenerate and busy', () => {
  it('regenerate answers the stored question again without storing it twice', async () => {
    const conversationId = await newConversation(fixture.a1)
    await chat(fixture.a1, conversationId, { content: 'Was hilft bei Prüfungsangst? [[sim:server_error:3]]' })
    const failed = await messagesOf(conversationId)
    expect(failed.map((row) => row.status)).toEqual(['complete', 'error'])

    const retried = await chat(fixture.a1, conversationId, { regenerate: true })
    // The SDK sent the question three times (1 + 2 retries); regenerating sends it a fourth time.
    expect(retried.events[0]).toMatchObject({ type: 'start', userMessageId: failed[0]!.id })
    expect(retried.events.at(-1)).toMatchObject({ type: 'done' })
    const rows = await messagesOf(conversationId)
    expect(rows.map((row) => [row.role, row.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'complete'],
    ])
    expect(rows[0]!.id).toBe(failed[0]!.id)

    const empty = await newConversation(fixture.a1)
    expect(await chat(fixture.a1, empty, { regenerate: true })).toMatchObject({
      status: 409,
      json: { error: { code: 'nothing_to_regenerate' } },
    })
  })

  it('a second message while an answer streams: 409 busy, nothing stored', async () => {
    const conversationId = await newConversation(fixture.a1)
    const stalled = chat(fixture.a1, conversationId, { content: 'Lange Antwort bitte [[sim:stall]]' })
    await expect.poll(async () => (await messagesOf(conversationId)).length).toBe(2)
    const busy = await chat(fixture.a1, conversationId, { content: 'Noch eine Frage' })
    expect(busy).toMatchObject({ status: 409, json: { error: { code: 'busy' } } })
    expect((await stalled).events.at(-1)).toMatchObject({ type: 'error', code: 'timeout' })
    expect((await messagesOf(conversationId)).length).toBe(2)
  })
})

describe('recovery', () => {
  it('at startup, answers silent past the heartbeat end as error interrupted, keeping their text; live ones stay', async () => {
    const conversationId = await newConversation(fixture.b1)
    const live = await newConversation(fixture.b1)
    await owner`
      insert into messages (tenant_id, conversation_id, owner_user_id, role, content, status, updated_at)
      values (${fixture.b1.tenantId}, ${conversationId}, ${fixture.b1.userId}, 'user', 'Frage', 'complete', now() - interval '1 minute'),
             (${fixture.b1.tenantId}, ${conversationId}, ${fixture.b1.userId}, 'assistant', 'Halbe Antw', 'streaming', now() - interval '1 minute'),
             (${fixture.b1.tenantId}, ${live}, ${fixture.b1.userId}, 'assistant', 'Läuft noch', 'streaming', now())`
    const restarted = await startTestApp(env(simulator.url, testDb.appUrl))
    await restarted.close()
    const rows = await messagesOf(conversationId)
    expect(rows.find((row) => row.role === 'assistant')).toMatchObject({
      status: 'error',
      error_code: 'interrupted',
      content: 'Halbe Antw',
      usage_estimated: true,
    })
    // An answer another instance is still writing (a slot swap, a scale-out) is left alone.
    expect((await messagesOf(live))[0]).toMatchObject({ status: 'streaming', content: 'Läuft noch' })
    await owner`update messages set status = 'stopped' where conversation_id = ${live}`
  })

  it('the running sweep ends only streams older than its threshold', async () => {
    const conversationId = await newConversation(fixture.b1)
    await owner`
      insert into messages (tenant_id, conversation_id, owner_user_id, role, content, status, updated_at)
      values (${fixture.b1.tenantId}, ${conversationId}, ${fixture.b1.userId}, 'assistant', 'alt', 'streaming', now() - interval '10 minutes'),
             (${fixture.b1.tenantId}, ${conversationId}, ${fixture.b1.userId}, 'assistant', 'frisch', 'streaming', now())`
    expect(await interruptStaleStreams(app.services.db, 300)).toBe(1)
    const rows = await messagesOf(conversationId)
    expect(rows.map((row) => [row.content, row.status]).sort()).toEqual([
      ['alt', 'error'],
      ['frisch', 'streaming'],
    ])
    await owner`update messages set status = 'stopped' where conversation_id = ${conversationId}`
  })
})

describe('what leaves the process', () => {
  it('logs identifiers and counts at debug level, never the question or the answer', async () => {
    const lines: string[] = []
    const logger = createLogger('debug', { write: (line: string) => void lines.push(line) })
    const logged = await startTestApp(env(simulator.url, testDb.appUrl), { logger })
    try {
      const conversationId = await newConversation(fixture.a2)
      const cookie = await sessionCookieFor(logged.services, fixture.a2)
      const sentinel = 'Zwangsgedankenprotokoll'
      for (const content of [`Bitte erkläre das ${sentinel}`, `Und nochmal ${sentinel} [[sim:cut]]`]) {
        const response = await fetch(`${logged.url}/api/chat/${conversationId}`, {
          method: 'POST',
          headers: { cookie, 'content-type': 'application/json' },
          body: JSON.stringify({ content }),
        })
        await response.text()
      }
      const answers = (await messagesOf(conversationId)).filter((row) => row.role === 'assistant')
      const log = lines.join('')
      expect(log).toContain('chat answer ended')
      expect(log).toContain(answers[0]!.id)
      expect(log).not.toContain(sentinel)
      for (const answer of answers) expect(log).not.toContain(answer.content.slice(0, 24))
    } finally {
      await logged.close()
    }
  })

  it('talks to any OpenAI-compatible server through OPENAI_BASE_URL', async () => {
    const { AZURE_OPENAI_ENDPOINT: _endpoint, ...rest } = env(simulator.url, testDb.appUrl)
    const compatible = await startTestApp({
      ...rest,
      OPENAI_BASE_URL: `${simulator.url}/openai/v1`,
      OPENAI_API_KEY: 'test-key',
      OPENAI_MODEL: 'llama-3.1-8b',
    })
    try {
      const conversationId = await newConversation(fixture.a2)
      const before = simulator.requests.length
      const response = await fetch(`${compatible.url}/api/chat/${conversationId}`, {
        method: 'POST',
        headers: {
          cookie: await sessionCookieFor(compatible.services, fixture.a2),
          'content-type': 'application/json',
        },
        body: JSON.stringify({ content: 'Hallo' }),
      })
      expect(parseEvents(await response.text()).at(-1)).toMatchObject({ type: 'done', status: 'complete' })
      // The v1 route, not a deployment URL; the model name travels in the body.
      expect(simulator.requests[before]).toMatchObject({ stream: true, status: 200 })
      const [answer] =
        await owner`select model from messages where conversation_id = ${conversationId} and role = 'assistant'`
      expect(answer!.model).toBe('llama-3.1-8b')
    } finally {
      await compatible.close()
    }
  })
})

describe('load', () => {
  it('50 concurrent streams all finish with every message in a terminal state', async () => {
    const people = [fixture.a1, fixture.a2, fixture.b1]
    const conversations = await Promise.all(
      Array.from({ length: 50 }, (_, index) => newConversation(people[index % people.length]!)),
    )
    const results = await Promise.all(
      conversations.map((conversationId, index) =>
        chat(people[index % people.length]!, conversationId, {
          content: `Frage Nummer ${index} zur Supervision`,
        }),
      ),
    )
    expect(results.map((result) => result.status)).toEqual(results.map(() => 200))
    expect(results.filter((result) => result.events.at(-1)?.type === 'done')).toHaveLength(50)
    const [counts] = await owner<Array<{ streaming: string; complete: string }>>`
      select count(*) filter (where status = 'streaming') as streaming,
             count(*) filter (where status = 'complete' and role = 'assistant') as complete
        from messages where conversation_id = any(${conversations})`
    expect(counts).toEqual({ streaming: '0', complete: '50' })
  })
})
