// PostgreSQL stopped for 5 s under live answers and reads, on a server of this file's own
// (the run's shared one must stay up): no request waits longer than the bounded connect
// wait, refusals are JSON 503s (chat `database_unavailable`, tRPC SERVICE_UNAVAILABLE) and
// pages a friendly 503 with Retry-After, no question is lost (each is stored whole or
// refused before anything streamed), answers begun before the outage are still stored, and
// reads succeed again within 2 s of the database's return.
import { chmod, mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runMigrations } from '#db/migrate.ts'
import { startAoaiSimulator, type AoaiSimulator } from '#infra/local/aoai-simulator/server.ts'
import { startLocalPostgres, type LocalPostgres } from '#infra/local/postgres.ts'
import type { StartedApp } from '#server/main.ts'
import { startTestApp } from '#tests/support/app-server.ts'
import { seedTwoClinics, type TwoClinics } from '#tests/support/fixtures.ts'
import { freePort } from '#tests/support/free-port.ts'
import { sessionCookieFor } from '#tests/support/sessions.ts'

const CONNECT_TIMEOUT_MS = 2000
const OUTAGE_MS = 5000

let dataDir: string
let pg: LocalPostgres
let fixture: TwoClinics
let simulator: AoaiSimulator
let app: StartedApp
let cookie: string

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'clinai-outage-pg-'))
  await chmod(dataDir, 0o755)
  pg = await startLocalPostgres({
    dataDir: path.join(dataDir, 'data'),
    port: await freePort(),
    persistent: false,
    databaseName: 'clinai_outage',
    ownerPassword: 'outage-owner',
    appPassword: 'outage-app',
  })
  await runMigrations(pg.ownerUrl())
  await pg.enableAppLogin()
  fixture = await seedTwoClinics(pg.ownerUrl())
  // Answers of about 8 s, so those begun before the outage are still streaming through it.
  simulator = await startAoaiSimulator({ apiKey: 'test-key', tokensPerSecond: 25, firstTokenMs: 20 })
  app = await startTestApp({
    DATABASE_URL: pg.appUrl(),
    DATABASE_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
    AZURE_OPENAI_ENDPOINT: simulator.url,
    AZURE_OPENAI_API_KEY: 'test-key',
    CHAT_RATE_LIMIT_PER_MINUTE: '10000',
    API_RATE_LIMIT_PER_MINUTE: '100000',
    LLM_MAX_OUTPUT_TOKENS: '200',
  })
  cookie = await sessionCookieFor(app.services, fixture.a1)
}, 120_000)

afterAll(async () => {
  await app?.close()
  await simulator?.close()
  await pg?.stop()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
})

async function newConversation(): Promise<string> {
  const owner = postgres(pg.ownerUrl(), { max: 1, onnotice: () => {} })
  try {
    const [row] = await owner<Array<{ id: string }>>`
      insert into conversations (tenant_id, owner_user_id, title)
      values (${fixture.a1.tenantId}, ${fixture.a1.userId}, 'Outage') returning id`
    return row!.id
  } finally {
    await owner.end()
  }
}

interface Timed<T> {
  ms: number
  value: T
}

async function timed<T>(work: () => Promise<T>): Promise<Timed<T>> {
  const began = performance.now()
  const value = await work()
  return { ms: performance.now() - began, value }
}

const ask = (conversationId: string, content: string) =>
  fetch(`${app.url}/api/chat/${conversationId}`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ content }),
  })

const listConversations = () =>
  fetch(`${app.url}/api/trpc/conversations.list?input=${encodeURIComponent(JSON.stringify({ limit: 5 }))}`, {
    headers: { cookie },
  })

/** Reads the whole event stream; the type of its last event. */
async function lastEventOf(response: Response): Promise<string | undefined> {
  const text = await response.text()
  return [...text.matchAll(/^event: (\w+)$/gm)].at(-1)?.[1]
}

describe('a database outage', () => {
  it('refuses fast with JSON 503s, loses no question, and recovers within 2 s', async () => {
    // Answers already streaming when the database goes away.
    const before = await Promise.all([1, 2, 3].map(() => newConversation()))
    const live = await Promise.all(
      before.map((id, n) => ask(id, `Vor dem Ausfall ${n}: ein ausführlicher Plan bitte.`)),
    )
    for (const response of live) expect(response.status).toBe(200)
    const liveEnds = live.map((response) => lastEventOf(response))
    const during = await newConversation()

    await pg.pause()
    const outageBegan = performance.now()
    const questions: string[] = []
    const chats: Array<Timed<Response>> = []
    const reads: Array<Timed<Response>> = []
    const pages: Array<Timed<Response>> = []
    const ready: Array<Timed<Response>> = []
    for (let n = 0; performance.now() - outageBegan < OUTAGE_MS - 600; n++) {
      const question = `Während des Ausfalls ${n}`
      questions.push(question)
      const [chat, read, page, readiness] = await Promise.all([
        timed(() => ask(during, question)),
        timed(listConversations),
        timed(() => fetch(`${app.url}/app`, { headers: { cookie, 'accept-language': 'de' } })),
        timed(() => fetch(`${app.url}/ready`)),
      ])
      chats.push(chat)
      reads.push(read)
      pages.push(page)
      ready.push(readiness)
    }
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, OUTAGE_MS - (performance.now() - outageBegan))),
    )
    await pg.resume()
    const back = performance.now()

    // Reads succeed again within 2 s of the database accepting connections.
    let recoveredAfterMs: number | undefined
    while (performance.now() - back < 10_000) {
      const response = await listConversations()
      if (response.status === 200) {
        recoveredAfterMs = performance.now() - back
        break
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    console.info(
      `outage: ${chats.length} rounds; longest wait chat ${Math.max(...chats.map((c) => c.ms)).toFixed(0)} ms, ` +
        `read ${Math.max(...reads.map((c) => c.ms)).toFixed(0)} ms, page ${Math.max(...pages.map((c) => c.ms)).toFixed(0)} ms; ` +
        `reads back after ${recoveredAfterMs?.toFixed(0)} ms`,
    )
    expect(recoveredAfterMs).toBeDefined()
    expect(recoveredAfterMs!).toBeLessThan(2000)

    expect(chats.length).toBeGreaterThan(0)
    for (const { ms, value: response } of chats) {
      // The bounded wait, plus room for a busy machine; never the length of the outage.
      expect(ms).toBeLessThan(CONNECT_TIMEOUT_MS + 1500)
      expect(response.status).toBe(503)
      expect(response.headers.get('content-type')).toMatch(/^application\/json/)
      expect(response.headers.get('retry-after')).toBe('5')
      expect(await response.json()).toEqual({
        error: { code: 'database_unavailable', message: 'database_unavailable', retryAfterSeconds: 5 },
      })
    }
    for (const { ms, value: response } of reads) {
      expect(ms).toBeLessThan(CONNECT_TIMEOUT_MS + 1500)
      expect(response.status).toBe(503)
      expect(response.headers.get('retry-after')).toBe('5')
      const body = (await response.json()) as { error: { message: string; data: { code: string } } }
      expect(body.error.message).toBe('database_unavailable')
      expect(body.error.data.code).toBe('SERVICE_UNAVAILABLE')
    }
    for (const { ms, value: response } of pages) {
      expect(ms).toBeLessThan(CONNECT_TIMEOUT_MS + 1500)
      expect(response.status).toBe(503)
      expect(response.headers.get('retry-after')).toBe('5')
      const html = await response.text()
      expect(html).toContain('ClinAI ist kurz nicht erreichbar')
    }
    for (const { ms, value: response } of ready) {
      expect(ms).toBeLessThan(2500)
      expect(response.status).toBe(503)
      expect(((await response.json()) as { checks: { database: string } }).checks.database).toBe(
        'unreachable',
      )
    }

    // The answers begun before the outage were stored once the database was back.
    expect(await Promise.all(liveEnds)).toEqual(['done', 'done', 'done'])
    const owner = postgres(pg.ownerUrl(), { max: 1, onnotice: () => {} })
    try {
      const answers = await owner<Array<{ status: string; content: string }>>`
        select status, content from messages where role = 'assistant' and conversation_id = any(${before})`
      expect(answers.map((row) => row.status)).toEqual(['complete', 'complete', 'complete'])
      for (const row of answers) expect(row.content.length).toBeGreaterThan(0)
      // Every refused question was refused before anything was stored: nothing half-written.
      const stored = await owner`select 1 from messages where conversation_id = ${during}`
      expect(stored).toHaveLength(0)
    } finally {
      await owner.end()
    }

    // And a question asked now is answered and stored as usual.
    const after = await ask(during, questions[0]!)
    expect(after.status).toBe(200)
    expect(await lastEventOf(after)).toBe('done')
  }, 90_000)
})
