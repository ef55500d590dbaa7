// Chat from scripts: `streamChat` of the script client and the ask example, run as a
// real child process, against the real HTTP app, the Azure OpenAI simulator and
// real PostgreSQL.
import { spawn } from 'node:child_process'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import { afterAll, beforeAll, beforeEach, describe, expect, expectTypeOf, it } from 'vitest'
import { startAoaiSimulator, type AoaiSimulator } from '#infra/local/aoai-simulator/server.ts'
import { createChatRateLimiter } from '#server/limits/rate-limit.ts'
import {
  ChatRefusedError,
  ChatStreamError,
  ClinaiClientError,
  createClinaiClient,
  streamChat,
  type ChatEvent,
  type ChatUsage,
  type ClinaiClient,
  type StreamChatOptions,
} from '#server/client/index.ts'
import type { StartedApp } from '#server/main.ts'
import { startTestApp } from '#tests/support/app-server.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { seedTwoClinics, type FixtureUser, type TwoClinics } from '#tests/support/fixtures.ts'
import { sessionCookieFor } from '#tests/support/sessions.ts'
import { trpcCall } from '#tests/support/trpc-http.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const ASK = path.join(ROOT, 'server', 'client', 'examples', 'ask.ts')
/** Well-formed, but no clinic issued it. */
const UNKNOWN_TOKEN = `clinai_pat_${'0'.repeat(32)}_${'A'.repeat(43)}`
/** Long enough an answer to stop halfway. */
const LONG_QUESTION = 'Schreibe einen ausführlichen Plan für zwölf Sitzungen zur Angstbewältigung.'

let testDb: TestDatabase
let fixture: TwoClinics
let simulator: AoaiSimulator
let app: StartedApp
let owner: postgres.Sql
let token: string
let client: ClinaiClient

beforeAll(async () => {
  testDb = await createTestDatabase()
  fixture = await seedTwoClinics(testDb.ownerUrl)
  simulator = await startAoaiSimulator({ apiKey: 'test-key', tokensPerSecond: 150, firstTokenMs: 30 })
  app = await startTestApp({
    DATABASE_URL: testDb.appUrl,
    AZURE_OPENAI_ENDPOINT: simulator.url,
    AZURE_OPENAI_API_KEY: 'test-key',
    AZURE_OPENAI_DEPLOYMENT: 'gpt-4o-mini',
    // Long enough that a stalled answer is still streaming when a test stops it.
    LLM_IDLE_TIMEOUT_MS: '10000',
    LLM_REQUEST_TIMEOUT_MS: '20000',
    LLM_MAX_RETRIES: '0',
    CHAT_RATE_LIMIT_PER_MINUTE: '10000',
  })
  owner = postgres(testDb.ownerUrl, { max: 2, onnotice: () => {} })
  token = await newToken(fixture.a1)
  client = createClinaiClient({ baseUrl: app.url, token })
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

async function newToken(user: FixtureUser): Promise<string> {
  const cookie = await sessionCookieFor(app.services, user)
  const created = await trpcCall<{ token: string }>(
    app.url,
    'mutation',
    'tokens.create',
    { name: 'chat script' },
    { cookie },
  )
  expect(created.status).toBe(200)
  return created.data!.token
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
}

function messagesOf(conversationId: string) {
  return owner<StoredMessage[]>`
    select id, role, content, status, error_code, finish_reason, prompt_tokens, completion_tokens
      from messages where conversation_id = ${conversationId} order by created_at, role, id`
}

/** The conversation's messages once no answer in it is streaming any more. */
async function waitForTerminal(conversationId: string): Promise<StoredMessage[]> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const rows = await messagesOf(conversationId)
    if (rows.length > 0 && rows.every((row) => row.status !== 'streaming')) return rows
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error('an answer stayed streaming')
}

const textOf = (events: ChatEvent[]) =>
  events.map((event) => (event.type === 'delta' ? event.text : '')).join('')

async function collect(options: StreamChatOptions): Promise<ChatEvent[]> {
  const events: ChatEvent[] = []
  for await (const event of streamChat(options)) events.push(event)
  return events
}

async function refusalOf(options: StreamChatOptions): Promise<ChatRefusedError> {
  const error = await collect(options).then(
    () => null,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(ChatRefusedError)
  return error as ChatRefusedError
}

describe('streamChat', () => {
  it('yields start, the deltas and done with usage; the stored answer is the streamed text', async () => {
    const { id: conversationId } = await client.conversations.create.mutate({})
    const question = 'Wie kann ich eine Patientin mit Schlafstörungen in der ersten Sitzung unterstützen?'
    const requests: Array<{ url: string; headers: Headers }> = []
    const events = await collect({
      baseUrl: `${app.url}/`,
      token,
      conversationId,
      content: question,
      fetch: (input, init) => {
        requests.push({ url: String(input), headers: new Headers(init?.headers) })
        return fetch(input, init)
      },
    })

    expect(requests.map((request) => request.url)).toEqual([`${app.url}/api/chat/${conversationId}`])
    expect(requests[0]!.headers.get('authorization')).toBe(`Bearer ${token}`)

    const [start, ...rest] = events
    const done = rest.pop()
    expect(start).toMatchObject({ type: 'start', conversationId })
    expect(rest.length).toBeGreaterThan(3)
    expect(rest.every((event) => event.type === 'delta')).toBe(true)
    expect(done).toMatchObject({ type: 'done', status: 'complete', finishReason: 'stop' })
    if (start?.type !== 'start' || done?.type !== 'done') throw new Error('unreachable')
    expectTypeOf(done.usage).toEqualTypeOf<ChatUsage>()
    expect(done.usage.promptTokens).toBeGreaterThan(0)
    expect(done.usage.completionTokens).toBeGreaterThan(0)
    expect(done.assistantMessageId).toBe(start.assistantMessageId)

    const rows = await messagesOf(conversationId)
    expect(rows.map((row) => [row.id, row.role, row.status])).toEqual([
      [start.userMessageId, 'user', 'complete'],
      [start.assistantMessageId, 'assistant', 'complete'],
    ])
    expect(rows[0]!.content).toBe(question)
    expect(rows[1]).toMatchObject({
      content: textOf(events),
      finish_reason: 'stop',
      prompt_tokens: done.usage.promptTokens,
      completion_tokens: done.usage.completionTokens,
    })
    // The same answer through the typed API.
    const stored = await client.messages.list.query({ conversationId })
    expect(stored.items.map((message) => message.content)).toEqual([question, textOf(events)])
  })

  it('answers the last question again with regenerate: true, replacing the answer', async () => {
    const { id: conversationId } = await client.conversations.create.mutate({ title: 'Regenerate' })
    const first = await collect({ baseUrl: app.url, token, conversationId, content: 'Eine kurze Frage' })
    const again = await collect({ baseUrl: app.url, token, conversationId, regenerate: true })
    expect(again[0]).toMatchObject({
      type: 'start',
      userMessageId: first[0]!.type === 'start' ? first[0]!.userMessageId : null,
    })
    expect(again.at(-1)).toMatchObject({ type: 'done' })
    const rows = await messagesOf(conversationId)
    expect(rows.map((row) => [row.role, row.content])).toEqual([
      ['user', 'Eine kurze Frage'],
      ['assistant', textOf(again)],
    ])
  })

  it("refuses another clinic's or another person's conversation with ChatRefusedError 404, storing nothing", async () => {
    for (const conversationId of [fixture.content.b1.conversationId, fixture.content.a2.conversationId]) {
      const before = await messagesOf(conversationId)
      const requests = simulator.requests.length
      const refusal = await refusalOf({ baseUrl: app.url, token, conversationId, content: 'Hallo' })
      expect(refusal).toMatchObject({ status: 404, code: 'not_found', message: 'not_found' })
      expect(await messagesOf(conversationId)).toEqual(before)
      expect(simulator.requests.length).toBe(requests)
    }
  })

  it('refuses an unknown token with ChatRefusedError 401', async () => {
    const { id: conversationId } = await client.conversations.create.mutate({})
    const refusal = await refusalOf({
      baseUrl: app.url,
      token: UNKNOWN_TOKEN,
      conversationId,
      content: 'Hallo',
    })
    expect(refusal).toMatchObject({ status: 401, code: 'unauthenticated' })
    expect(refusal.message).not.toContain(UNKNOWN_TOKEN)
    expect(await messagesOf(conversationId)).toEqual([])
  })

  it('refuses past the rate limit with 429 and the seconds to wait', async () => {
    app.services.chatRateLimiter = createChatRateLimiter(1)
    const { id: conversationId } = await client.conversations.create.mutate({})
    await collect({ baseUrl: app.url, token, conversationId, content: 'Erste Nachricht' })
    const refusal = await refusalOf({ baseUrl: app.url, token, conversationId, content: 'Zweite Nachricht' })
    expect(refusal).toMatchObject({ status: 429, code: 'rate_limited' })
    expect(refusal.retryAfterSeconds).toBeGreaterThan(0)
  })

  it('refuses bad options at once with ClinaiClientError, before any request', () => {
    const conversationId = fixture.content.a1.conversationId
    const refusals: Array<[unknown, ClinaiClientError['option']]> = [
      [{ baseUrl: 'localhost:3000', token, conversationId, content: 'x' }, 'baseUrl'],
      [{ baseUrl: app.url, token: `Bearer ${token}`, conversationId, content: 'x' }, 'token'],
      [{ baseUrl: app.url, token, conversationId: '../trpc/me.get', content: 'x' }, 'conversationId'],
      [{ baseUrl: app.url, token, conversationId }, 'content'],
      [{ baseUrl: app.url, token, conversationId, content: 'x', regenerate: true }, 'content'],
      [{ baseUrl: app.url, token, conversationId, content: 'x', fetch: 'no' }, 'fetch'],
    ]
    for (const [options, option] of refusals) {
      let caught: unknown
      try {
        streamChat(options as StreamChatOptions)
      } catch (error) {
        caught = error
      }
      expect(caught, JSON.stringify(options)).toBeInstanceOf(ClinaiClientError)
      expect((caught as ClinaiClientError).option).toBe(option)
    }
  })

  it('ends with an error event, code incomplete, when the model connection is cut mid-answer', async () => {
    const { id: conversationId } = await client.conversations.create.mutate({})
    const events = await collect({
      baseUrl: app.url,
      token,
      conversationId,
      content: 'Bitte eine kurze Übersicht zur Gesprächsführung [[sim:cut]]',
    })
    const last = events.at(-1)!
    expect(last).toMatchObject({ type: 'error', status: 'error', code: 'incomplete' })
    if (last.type !== 'error') throw new Error('unreachable')
    expect(last.message).toBe('incomplete')
    expect(textOf(events).length).toBeGreaterThan(0)
    const rows = await messagesOf(conversationId)
    expect(rows[1]).toMatchObject({ status: 'error', error_code: 'incomplete', content: textOf(events) })
  })

  it('stops when the signal aborts mid-answer: the loop rejects with AbortError, the answer is stored as stopped', async () => {
    const { id: conversationId } = await client.conversations.create.mutate({})
    const before = simulator.requests.length
    const controller = new AbortController()
    const shown: ChatEvent[] = []
    const outcome = await (async () => {
      for await (const event of streamChat({
        baseUrl: app.url,
        token,
        conversationId,
        content: LONG_QUESTION,
        signal: controller.signal,
      })) {
        shown.push(event)
        if (shown.length === 4) controller.abort()
      }
    })().then(
      () => 'ended',
      (error: unknown) => (error as Error).name,
    )
    expect(outcome).toBe('AbortError')
    expect(shown.map((event) => event.type)).toEqual(['start', 'delta', 'delta', 'delta'])

    const ended = await simulator.waitForRequestEnd(simulator.requests[before]!.id)
    expect(ended).toMatchObject({ clientClosedEarly: true, finished: false })
    const rows = await waitForTerminal(conversationId)
    expect(rows[1]).toMatchObject({ role: 'assistant', status: 'stopped', error_code: null })
    expect(rows[1]!.content.startsWith(textOf(shown))).toBe(true)
  })

  it('stops as well when the loop is left early: leaving closes the connection', async () => {
    const { id: conversationId } = await client.conversations.create.mutate({})
    const before = simulator.requests.length
    let deltas = 0
    for await (const event of streamChat({
      baseUrl: app.url,
      token,
      conversationId,
      content: LONG_QUESTION,
    })) {
      if (event.type === 'delta' && ++deltas === 3) break
    }
    const ended = await simulator.waitForRequestEnd(simulator.requests[before]!.id)
    expect(ended.clientClosedEarly).toBe(true)
    const rows = await waitForTerminal(conversationId)
    expect(rows[1]).toMatchObject({ role: 'assistant', status: 'stopped' })
  })
})

describe('streamChat against a server that breaks the contract', () => {
  // Not ClinAI: a plain HTTP server answering what a broken proxy or a restarting server might.
  let broken: http.Server
  let brokenUrl: string
  const start = `event: start\ndata: ${JSON.stringify({
    type: 'start',
    conversationId: '0b9d7d2e-3c1a-4f7e-9a55-7f3f9f0a1b2c',
    userMessageId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    assistantMessageId: 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b',
    title: 'Broken',
  })}\n\n`
  const replies: Record<string, (response: http.ServerResponse) => void> = {
    truncated: (response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' })
      response.end(`${start}event: delta\ndata: {"type":"delta","text":"Half an"}\n\n`)
    },
    proxy: (response) => {
      response.writeHead(502, { 'content-type': 'text/html' })
      response.end('<html><body>Bad Gateway</body></html>')
    },
    malformed: (response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' })
      response.end(`${start}event: delta\ndata: {"type":"delta","te\n\n`)
    },
  }

  beforeAll(async () => {
    broken = http.createServer((request, response) => {
      const kind = new URL(request.url!, 'http://x').pathname.split('/')[1]!
      request.resume().on('end', () => replies[kind]!(response))
    })
    await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve))
    brokenUrl = `http://127.0.0.1:${(broken.address() as AddressInfo).port}`
  })

  afterAll(async () => {
    await new Promise((resolve) => broken?.close(resolve))
  })

  async function failureOf(kind: string) {
    const seen: ChatEvent[] = []
    const error = await (async () => {
      const options = {
        baseUrl: `${brokenUrl}/${kind}`,
        token,
        conversationId: fixture.content.a1.conversationId,
      }
      for await (const event of streamChat({ ...options, content: 'Hallo' })) seen.push(event)
    })().then(
      () => null,
      (caught: unknown) => caught,
    )
    expect(error).toBeInstanceOf(ChatStreamError)
    return { error: error as ChatStreamError, seen }
  }

  it('rejects a stream that ends without done or error, after yielding what came', async () => {
    const { error, seen } = await failureOf('truncated')
    expect(error.reason).toBe('incomplete')
    expect(seen.map((event) => event.type)).toEqual(['start', 'delta'])
  })

  it('rejects an answer that is no event stream, without echoing its body', async () => {
    const { error, seen } = await failureOf('proxy')
    expect([error.reason, error.status]).toEqual(['unexpected_response', 502])
    expect(error.message).toContain('502 (text/html)')
    expect(error.message).not.toContain('Bad Gateway')
    expect(seen).toEqual([])
  })

  it('rejects an event whose data is not JSON', async () => {
    const { error, seen } = await failureOf('malformed')
    expect(error.reason).toBe('malformed_event')
    expect(seen.map((event) => event.type)).toEqual(['start'])
  })
})

interface Run {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/**
 * Runs the ask example as a user would: its own Node process with the tsx loader, settings
 * in the environment, the question in the arguments or on stdin. `onFirstOutput` runs
 * once, when the first answer text reaches stdout.
 */
function runAsk(
  args: string[],
  settings: { CLINAI_URL?: string; CLINAI_TOKEN?: string },
  options: { stdin?: string; onFirstOutput?: (child: ReturnType<typeof spawn>) => void } = {},
): Promise<Run> {
  const env = { ...process.env }
  delete env.CLINAI_URL
  delete env.CLINAI_TOKEN
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ASK, ...args], {
      cwd: ROOT,
      env: { ...env, ...settings },
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: 25_000,
    })
    child.stdin.end(options.stdin ?? '')
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (!stdout && options.onFirstOutput) options.onFirstOutput(child)
      stdout += chunk
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.once('error', reject)
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
  })
}

const ids = (text: string) =>
  [...text.matchAll(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g)].map((match) => match[0])

describe('the ask example, run as a script', () => {
  it('asks in a new conversation and prints the answer as stored, then finish reason and usage', async () => {
    const question = 'Was hilft bei Prüfungsangst?'
    const run = await runAsk(question.split(' '), { CLINAI_URL: app.url, CLINAI_TOKEN: token })
    expect(run.stderr).not.toMatch(/error|failed/i)
    expect(run.code).toBe(0)

    const [conversationId] = ids(run.stderr)
    expect(run.stderr).toContain(`New conversation ${conversationId} (continue it with --conversation`)
    const rows = await messagesOf(conversationId!)
    expect(rows.map((row) => [row.role, row.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'complete'],
    ])
    expect(rows[0]!.content).toBe(question)
    expect(rows[1]!.content.length).toBeGreaterThan(20)
    expect(run.stdout).toBe(`${rows[1]!.content}\n`)
    expect(run.stderr).toContain(
      `Finish reason: stop; tokens: ${rows[1]!.prompt_tokens} prompt + ${rows[1]!.completion_tokens} completion.`,
    )
  })

  it('asks in the conversation given with --conversation, the question read from stdin', async () => {
    const { id: conversationId } = await client.conversations.create.mutate({ title: 'From stdin' })
    const run = await runAsk(
      ['--conversation', conversationId],
      { CLINAI_URL: app.url, CLINAI_TOKEN: token },
      { stdin: 'Eine Frage\nüber zwei Zeilen\n' },
    )
    expect(run.code).toBe(0)
    expect(run.stderr).not.toContain('New conversation')
    const rows = await messagesOf(conversationId)
    expect(rows.map((row) => row.content)).toEqual(['Eine Frage\nüber zwei Zeilen', run.stdout.slice(0, -1)])
  })

  it("exits 4 for another person's or another clinic's conversation, storing nothing", async () => {
    for (const conversationId of [fixture.content.a2.conversationId, fixture.content.b1.conversationId]) {
      const before = await messagesOf(conversationId)
      const run = await runAsk(['--conversation', conversationId, 'Hallo'], {
        CLINAI_URL: app.url,
        CLINAI_TOKEN: token,
      })
      expect(run.code, conversationId).toBe(4)
      expect(run.stdout).toBe('')
      expect(run.stderr).toContain('No such conversation among yours (404)')
      expect(await messagesOf(conversationId)).toEqual(before)
    }
  })

  it('exits 3 when the token is refused, without echoing it, and 2 without a question or with a bad id', async () => {
    const refused = await runAsk(['Hallo'], { CLINAI_URL: app.url, CLINAI_TOKEN: UNKNOWN_TOKEN })
    expect(refused.code).toBe(3)
    expect(refused.stderr).toContain(`ClinAI at ${app.url} refused CLINAI_TOKEN (401)`)
    expect(refused.stderr).not.toContain(UNKNOWN_TOKEN)

    const empty = await runAsk([], { CLINAI_URL: app.url, CLINAI_TOKEN: token }, { stdin: ' \n' })
    expect(empty.code).toBe(2)
    expect(empty.stderr).toContain('The question on standard input is empty.')

    const badId = await runAsk(['--conversation', 'nope', 'Hallo'], {
      CLINAI_URL: app.url,
      CLINAI_TOKEN: token,
    })
    expect(badId.code).toBe(2)
    expect(badId.stderr).toContain('"nope" is not a conversation id (a UUID).')
  })

  it("exits 5 with the server's message when the clinic's budget is used up", async () => {
    const { id: conversationId } = await client.conversations.create.mutate({})
    await owner`update tenants set monthly_token_budget = 0 where id = ${fixture.a1.tenantId}`
    try {
      const run = await runAsk(['--conversation', conversationId, 'Hallo'], {
        CLINAI_URL: app.url,
        CLINAI_TOKEN: token,
      })
      expect(run.code).toBe(5)
      expect(run.stderr).toContain('ClinAI refused the question (409 budget_exhausted): budget_exhausted')
    } finally {
      await owner`update tenants set monthly_token_budget = 2000000 where id = ${fixture.a1.tenantId}`
    }
  })

  it('exits 6 with the code when the answer ends in error, the partial answer printed', async () => {
    const { id: conversationId } = await client.conversations.create.mutate({})
    const run = await runAsk(['--conversation', conversationId, 'Eine Übersicht bitte [[sim:cut]]'], {
      CLINAI_URL: app.url,
      CLINAI_TOKEN: token,
    })
    expect(run.code).toBe(6)
    expect(run.stderr).toContain('The answer ended in error (incomplete)')
    const rows = await messagesOf(conversationId)
    expect(rows[1]).toMatchObject({ status: 'error', error_code: 'incomplete' })
    expect(run.stdout).toBe(`${rows[1]!.content}\n`)
  })

  it('stops cleanly on Ctrl-C (SIGINT): exit 130, the answer so far stored as stopped', async () => {
    const { id: conversationId } = await client.conversations.create.mutate({})
    // A stalled answer: one batch of text, then nothing until the client hangs up.
    const run = await runAsk(
      ['--conversation', conversationId, 'Lange Antwort bitte [[sim:stall]]'],
      { CLINAI_URL: app.url, CLINAI_TOKEN: token },
      { onFirstOutput: (child) => child.kill('SIGINT') },
    )
    expect(run.signal).toBeNull()
    expect(run.code).toBe(130)
    expect(run.stderr).toContain('Stopped with Ctrl-C')
    const rows = await waitForTerminal(conversationId)
    expect(rows[1]).toMatchObject({ role: 'assistant', status: 'stopped', error_code: null })
    expect(rows[1]!.content.length).toBeGreaterThan(0)
    expect(run.stdout).toBe(`${rows[1]!.content}\n`)
  })
})
