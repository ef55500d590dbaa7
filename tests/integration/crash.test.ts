// kill -9 in the middle of an answer, then a restart: the stored text is behind what the
// client was shown by at most PROGRESS_EVERY_MS of text, and the conversation takes a new
// question (instead of 409 busy) within STALE_STREAM_SECONDS plus one sweep of the crash.
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startAoaiSimulator, type AoaiSimulator } from '#infra/local/aoai-simulator/server.ts'
import { STALE_STREAM_SECONDS } from '#server/services/chat/recovery.ts'
import { PROGRESS_EVERY_MS } from '#server/services/generation/generation.ts'
import { SWEEP_EVERY_MS } from '#server/jobs/stale-streams.ts'
import { productionEnv, startBuiltServer, type BuiltServer } from '#tests/support/built-server.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { seedTwoClinics, type TwoClinics } from '#tests/support/fixtures.ts'

let testDb: TestDatabase
let fixture: TwoClinics
let simulator: AoaiSimulator
let owner: postgres.Sql
const servers: BuiltServer[] = []

beforeAll(async () => {
  testDb = await createTestDatabase()
  fixture = await seedTwoClinics(testDb.ownerUrl)
  owner = postgres(testDb.ownerUrl, { max: 1, onnotice: () => {} })
  // A slow answer (about 20 tokens a second), so the kill lands well inside it.
  simulator = await startAoaiSimulator({ apiKey: 'test-key', tokensPerSecond: 20, firstTokenMs: 20 })
}, 60_000)

afterAll(async () => {
  for (const server of servers) if (server.process.exitCode === null) server.process.kill('SIGKILL')
  await simulator?.close()
  await owner?.end()
  await testDb?.drop()
})

async function start(): Promise<BuiltServer> {
  const server = await startBuiltServer({
    ...productionEnv(testDb.appUrl, simulator.url),
    CHAT_RATE_LIMIT_PER_MINUTE: '10000',
  })
  servers.push(server)
  return server
}

describe('a crash mid-answer', () => {
  it('keeps what was shown up to the bound, and frees the conversation within the window', async () => {
    const first = await start()
    const cookie = await first.cookieFor(fixture.a1)
    const conversationId = fixture.content.a1.conversationId
    const headers = { cookie, origin: first.url, 'content-type': 'application/json' }
    const response = await fetch(`${first.url}/api/chat/${conversationId}`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ content: 'Bitte einen ausführlichen Plan für die nächsten Sitzungen.' }),
    })
    expect(response.status).toBe(200)

    // Read the stream, noting when each piece of text was shown.
    const shown: Array<{ at: number; text: string }> = []
    const reader = response.body!.getReader()
    const decoder = new TextDecoder()
    let buffer = ''
    const reading = (async () => {
      try {
        for (let next = await reader.read(); !next.done; next = await reader.read()) {
          buffer += decoder.decode(next.value, { stream: true })
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const frame = buffer.slice(0, end)
            buffer = buffer.slice(end + 2)
            if (!/^event: delta$/m.test(frame)) continue
            const data = JSON.parse(/^data: (.*)$/m.exec(frame)![1]!) as { text: string }
            shown.push({ at: performance.now(), text: data.text })
          }
        }
      } catch {
        // The connection breaks with the process.
      }
    })()
    while (shown.length < 30) await new Promise((resolve) => setTimeout(resolve, 20))

    first.process.kill('SIGKILL')
    const killedAt = performance.now()
    expect(await first.exited).toBe('SIGKILL')
    await reading

    const [row] = await owner<Array<{ status: string; content: string }>>`
      select status, content from messages
       where conversation_id = ${conversationId} and role = 'assistant'
       order by created_at desc limit 1`
    expect(row!.status).toBe('streaming')
    const shownText = shown.map((piece) => piece.text).join('')
    // What is stored is what was shown, less a tail.
    expect(shownText.startsWith(row!.content)).toBe(true)
    // That tail began to be shown no earlier than PROGRESS_EVERY_MS before the kill (and a
    // little for the save in flight on a busy machine).
    let offset = 0
    const firstUnsaved = shown.find((piece) => {
      offset += piece.text.length
      return offset > row!.content.length
    })
    const lostMs = firstUnsaved ? killedAt - firstUnsaved.at : 0
    console.info(
      `kill -9: ${shownText.length} characters shown, ${row!.content.length} stored; the unsaved tail was ` +
        `shown over the last ${lostMs.toFixed(0)} ms (bound ${PROGRESS_EVERY_MS} ms)`,
    )
    expect(lostMs).toBeLessThanOrEqual(PROGRESS_EVERY_MS + 250)

    // Restart: the conversation takes a new question within the window, counted from the crash.
    const second = await start()
    const window = STALE_STREAM_SECONDS * 1000 + SWEEP_EVERY_MS
    let acceptedAfterMs: number | undefined
    let refusals = 0
    while (performance.now() - killedAt < window + 10_000) {
      const retry = await fetch(`${second.url}/api/chat/${conversationId}`, {
        method: 'POST',
        headers: { ...headers, cookie: await second.cookieFor(fixture.a1), origin: second.url },
        body: JSON.stringify({ content: 'Und jetzt?' }),
      })
      if (retry.status === 200) {
        acceptedAfterMs = performance.now() - killedAt
        expect(await retry.text()).toMatch(/event: done/)
        break
      }
      expect(retry.status).toBe(409)
      expect(((await retry.json()) as { error: { code: string } }).error.code).toBe('busy')
      refusals++
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
    console.info(
      `kill -9: the conversation took a new question ${acceptedAfterMs?.toFixed(0)} ms after the crash ` +
        `(${refusals} busy refusals; window ${window} ms)`,
    )
    expect(acceptedAfterMs).toBeDefined()
    expect(acceptedAfterMs!).toBeLessThanOrEqual(window + 1500)
    const [ended] = await owner<Array<{ status: string; error_code: string | null; content: string }>>`
      select status, error_code, content from messages
       where conversation_id = ${conversationId} and role = 'assistant' and content = ${row!.content}`
    expect(ended).toMatchObject({ status: 'error', error_code: 'interrupted' })
    second.process.kill('SIGTERM')
    expect(await second.exited).toBe(0)
  }, 120_000)
})
