// A deploy's SIGTERM, as shutdown() handles it: new requests are refused, live answers
// get the grace period, the rest end `stopped` with their text stored and their client
// told, and no answer is left `streaming`.
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startAoaiSimulator, type AoaiSimulator } from '#infra/local/aoai-simulator/server.ts'
import type { StartedApp } from '#server/main.ts'
import { startTestApp } from '#tests/support/app-server.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { seedTwoClinics, type FixtureUser, type TwoClinics } from '#tests/support/fixtures.ts'
import { sessionCookieFor } from '#tests/support/sessions.ts'

let testDb: TestDatabase
let fixture: TwoClinics
let owner: postgres.Sql
let slow: AoaiSimulator
let fast: AoaiSimulator

beforeAll(async () => {
  testDb = await createTestDatabase()
  fixture = await seedTwoClinics(testDb.ownerUrl)
  owner = postgres(testDb.ownerUrl, { max: 2, onnotice: () => {} })
  slow = await startAoaiSimulator({ apiKey: 'test-key', tokensPerSecond: 15, firstTokenMs: 20 })
  // Answers of a second or two: none may end before the shutdown begins, even on a busy machine.
  fast = await startAoaiSimulator({ apiKey: 'test-key', tokensPerSecond: 100, firstTokenMs: 20 })
})

afterAll(async () => {
  await slow?.close()
  await fast?.close()
  await owner?.end()
  await testDb?.drop()
})

const start = (simulator: AoaiSimulator) =>
  startTestApp({
    DATABASE_URL: testDb.appUrl,
    AZURE_OPENAI_ENDPOINT: simulator.url,
    AZURE_OPENAI_API_KEY: 'test-key',
    CHAT_RATE_LIMIT_PER_MINUTE: '10000',
  })

async function conversationsOf(user: FixtureUser, count: number): Promise<string[]> {
  const rows = await owner<Array<{ id: string }>>`
    insert into conversations (tenant_id, owner_user_id, title)
    select ${user.tenantId}, ${user.userId}, 'Shutdown ' || n from generate_series(1, ${count}) n
    returning id`
  return rows.map((row) => row.id)
}

interface Client {
  /** Resolves once the first piece of text has arrived. */
  streaming: Promise<void>
  /** The event types received, in order, once the stream ends. */
  events: Promise<string[]>
}

function ask(app: StartedApp, cookie: string, conversationId: string, content: string): Client {
  let started!: () => void
  const streaming = new Promise<void>((resolve) => (started = resolve))
  const events = (async () => {
    const response = await fetch(`${app.url}/api/chat/${conversationId}`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ content }),
    })
    expect(response.status).toBe(200)
    const types: string[] = []
    let buffer = ''
    const decoder = new TextDecoder()
    const reader = response.body!.getReader()
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      buffer += decoder.decode(next.value, { stream: true })
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const type = /^event: (\w+)$/m.exec(buffer.slice(0, end))?.[1]
        buffer = buffer.slice(end + 2)
        if (!type) continue
        types.push(type)
        if (type === 'delta') started()
      }
    }
    started()
    return types
  })()
  return { streaming, events }
}

const statusesOf = (ids: string[]) =>
  owner<Array<{ status: string; content: string }>>`
    select status, content from messages where role = 'assistant' and conversation_id = any(${ids})`

describe('shutdown', () => {
  it('stops 20 live answers after a short grace: stored as stopped with their text, every client told', async () => {
    const app = await start(slow)
    const cookie = await sessionCookieFor(app.services, fixture.a1)
    const ids = await conversationsOf(fixture.a1, 20)
    const clients = ids.map((id) =>
      ask(app, cookie, id, 'Bitte einen ausführlichen Plan für die nächsten Sitzungen.'),
    )
    await Promise.all(clients.map((client) => client.streaming))

    const began = Date.now()
    const shutdown = app.shutdown({ graceMs: 300 })
    // Draining: something new is refused at once, with a code.
    const refused = await fetch(`${app.url}/health`).catch(() => null)
    if (refused) {
      expect(refused.status).toBe(503)
      expect(await refused.json()).toEqual({ error: { code: 'shutting_down' } })
    }
    expect(await shutdown).toEqual({ finished: 0, stopped: 20 })
    expect(Date.now() - began).toBeLessThan(300 + 5_000)

    for (const events of await Promise.all(clients.map((client) => client.events))) {
      expect(events.at(-1)).toBe('stopped')
      expect(events.filter((type) => type === 'stopped' || type === 'done' || type === 'error')).toHaveLength(
        1,
      )
    }
    const stored = await statusesOf(ids)
    expect(stored).toHaveLength(20)
    for (const row of stored) {
      expect(row.status).toBe('stopped')
      expect(row.content.length).toBeGreaterThan(0)
    }
  })

  it('lets answers finish when the grace is long enough: all complete, none stopped', async () => {
    const app = await start(fast)
    const cookie = await sessionCookieFor(app.services, fixture.a2)
    const ids = await conversationsOf(fixture.a2, 5)
    const clients = ids.map((id) => ask(app, cookie, id, 'Kurz: was ist Psychoedukation?'))
    await Promise.all(clients.map((client) => client.streaming))
    expect(await app.shutdown({ graceMs: 30_000 })).toEqual({ finished: 5, stopped: 0 })
    for (const events of await Promise.all(clients.map((client) => client.events)))
      expect(events.at(-1)).toBe('done')
    expect((await statusesOf(ids)).map((row) => row.status)).toEqual(Array(5).fill('complete'))
  })
})
