// Round trips to PostgreSQL per request, counted by a proxy in front of it (each Sync or
// simple Query is one wait): a list, a get and a chat answer are held to their numbers, so a
// change that adds a query per request shows here. A request's credential is checked as the
// first statement of its own transaction (server/auth/authenticate.ts), not in one of its own. Counted after one warm-up call, when the
// connection has its prepared statements. Only the app's pool is counted (the job queue has
// its own connections).
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startAoaiSimulator, type AoaiSimulator } from '#infra/local/aoai-simulator/server.ts'
import type { StartedApp } from '#server/main.ts'
import { startTestApp } from '#tests/support/app-server.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { seedTwoClinics, type TwoClinics } from '#tests/support/fixtures.ts'
import { startRoundTripCounter, type RoundTripCounter } from '#tests/support/round-trips.ts'
import { sessionCookieFor } from '#tests/support/sessions.ts'
import { trpcCall } from '#tests/support/trpc-http.ts'

let testDb: TestDatabase
let fixture: TwoClinics
let counter: RoundTripCounter
let simulator: AoaiSimulator
let app: StartedApp
let cookie: string

beforeAll(async () => {
  testDb = await createTestDatabase()
  fixture = await seedTwoClinics(testDb.ownerUrl)
  const url = new URL(testDb.appUrl)
  counter = await startRoundTripCounter({ host: url.hostname, port: Number(url.port) }, 'clinai-app')
  url.host = `127.0.0.1:${counter.port}`
  simulator = await startAoaiSimulator({ apiKey: 'test-key', tokensPerSecond: 2000, firstTokenMs: 5 })
  app = await startTestApp({
    DATABASE_URL: url.href,
    // One connection, so the warm-up call prepares what the counted call uses.
    DATABASE_POOL_MAX: '1',
    AZURE_OPENAI_ENDPOINT: simulator.url,
    AZURE_OPENAI_API_KEY: 'test-key',
    AZURE_OPENAI_DEPLOYMENT: 'gpt-4o-mini',
  })
  cookie = await sessionCookieFor(app.services, fixture.a1)
})

afterAll(async () => {
  await app?.close()
  await simulator?.close()
  await counter?.close()
  await testDb?.drop()
})

/**
 * The fewest round trips of three calls after a warm-up: the stale-stream sweep shares the pool
 * every 15 s and can only add to one call's count.
 */
async function counted(run: () => Promise<unknown>): Promise<number> {
  await run()
  const counts: number[] = []
  for (let i = 0; i < 3; i++) {
    counter.reset()
    await run()
    counts.push(counter.count())
  }
  return Math.min(...counts)
}

const query = (path: string, input: unknown) => () =>
  trpcCall(app.url, 'query', path, input, { cookie }).then((result) => {
    expect(result.status).toBe(200)
  })

it('counts the round trips of a list, a get and a chat answer', async () => {
  const list = await counted(query('conversations.list', { limit: 30 }))
  const get = await counted(query('conversations.get', { conversationId: fixture.content.a1.conversationId }))
  const chat = await counted(async () => {
    const response = await fetch(`${app.url}/api/chat/${fixture.content.a1.conversationId}`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'Eine kurze Frage zur Schlafhygiene.' }),
    })
    expect(await response.text()).toContain('event: done')
  })
  // list: the API rate limit (its counter lives in PostgreSQL so it holds across instances, and
  // outside the procedure's transaction so a failed call still counts), then the procedure's one
  // transaction: begin, the session's check (which also sets the clinic, person and role: no
  // settings statement of its own), the page, commit. get: the conversation and its messages
  // instead of the page. chat: the rate limit, the start (begin, the check, the conversation
  // locked, the busy check, the budget and cap with the clinic's model and pseudonymisation
  // settings in one statement, the question and the empty answer in one insert, the title, the
  // history, the conversation's mapping read and stored, commit), and the end (begin, settings,
  // the answer, usage and the conversation's time in one statement, then budget alerts, commit).
  // Progress saves go through the process's one writer and are not counted here.
  expect({ list, get, chat }).toEqual({ list: 5, get: 6, chat: 17 })

  // A session's first request in this process checks it on its own first too (begin, the check,
  // commit), to know whose rate limit to take; later ones only inside their transaction.
  // (The fewest of three, each with a new session, for the sweep's sake as above.)
  const firsts: number[] = []
  for (let i = 0; i < 3; i++) {
    const fresh = await sessionCookieFor(app.services, fixture.a1)
    counter.reset()
    const first = await trpcCall(app.url, 'query', 'conversations.list', { limit: 30 }, { cookie: fresh })
    expect(first.status).toBe(200)
    firsts.push(counter.count())
  }
  expect(Math.min(...firsts)).toBe(5 + 3)
})
