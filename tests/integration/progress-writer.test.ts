// The process's progress writer (server/services/generation/progress-writer.ts) against real
// PostgreSQL under the app role: many streams of three people in two clinics are saved in one
// statement per person, each row in its own clinic; an ended row is never overwritten; a failed
// batch loses no text; closing a slot waits for its batch; quiet rows are marked alive.
import { sql } from 'drizzle-orm'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectDatabase, type Database } from '#db/client.ts'
import { answerProgress } from '#server/services/chat/exchange.ts'
import { ProgressWriter, type ProgressSink } from '#server/services/generation/progress-writer.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { seedTwoClinics, type FixtureUser, type TwoClinics } from '#tests/support/fixtures.ts'
import { startRoundTripCounter, type RoundTripCounter } from '#tests/support/round-trips.ts'

let testDb: TestDatabase
let fixture: TwoClinics
let owner: postgres.Sql
let counter: RoundTripCounter
let db: Database

beforeAll(async () => {
  testDb = await createTestDatabase()
  fixture = await seedTwoClinics(testDb.ownerUrl)
  owner = postgres(testDb.ownerUrl, { max: 2, onnotice: () => {} })
  const url = new URL(testDb.appUrl)
  counter = await startRoundTripCounter({ host: url.hostname, port: Number(url.port) }, 'clinai-app')
  url.host = `127.0.0.1:${counter.port}`
  db = connectDatabase(url.href, { max: 10 })
}, 60_000)

afterAll(async () => {
  await db?.close()
  await counter?.close()
  await owner?.end()
  await testDb?.drop()
})

/** `count` streaming answers of `person`, as the chat leaves them before the model's first token. */
async function streamingAnswers(person: FixtureUser, count: number): Promise<string[]> {
  const rows = await owner<Array<{ id: string }>>`
    insert into messages (tenant_id, conversation_id, owner_user_id, role, content, status)
    select ${person.tenantId}, ${fixture.content[key(person)].conversationId}, ${person.userId},
           'assistant', '', 'streaming'
      from generate_series(1, ${count})
    returning id`
  return rows.map((row) => row.id)
}
const key = (person: FixtureUser) =>
  person === fixture.a1 ? 'a1' : person === fixture.a2 ? 'a2' : ('b1' as const)
const context = (person: FixtureUser) => ({
  tenantId: person.tenantId,
  userId: person.userId,
  role: person.role,
})
// The timer is far off: each test drives the ticks itself.
const writerFor = (options: { heartbeatMs?: number } = {}) =>
  new ProgressWriter(db, { everyMs: 60_000, heartbeatMs: options.heartbeatMs ?? 60_000 })

describe('the progress writer', () => {
  it('saves many streams of people in two clinics, one statement per person, each row in its clinic', async () => {
    const people = [fixture.a1, fixture.a2, fixture.b1]
    const writer = writerFor()
    const streams = (
      await Promise.all(people.map(async (person) => ({ person, ids: await streamingAnswers(person, 30) })))
    ).flatMap(({ person, ids }) =>
      ids.map((id, index) => {
        const stream = { person, id, text: '' }
        const slot = writer.open(answerProgress, context(person), id, () => stream.text)
        return { ...stream, slot, index, stream }
      }),
    )
    // A tick with one changed row per person, then one with all 90 changed: the same round trips.
    const onePerPerson = async () => {
      for (const person of people) {
        const one = streams.find((s) => s.person === person)!
        one.stream.text = `Erste Zeile ${one.id}`
        one.slot.changed()
      }
      counter.reset()
      await writer.tick()
      return counter.count()
    }
    await onePerPerson() // the pool's connections opened, the statements prepared
    const forThree = await onePerPerson()
    for (const s of streams) {
      s.stream.text = `Antwort ${s.index} für ${s.id}`
      s.slot.changed()
    }
    counter.reset()
    await writer.tick()
    expect(counter.count()).toBe(forThree)

    const stored = await owner<Array<{ id: string; tenantId: string; ownerUserId: string; content: string }>>`
      select id, tenant_id as "tenantId", owner_user_id as "ownerUserId", content from messages
       where id in ${owner(streams.map((s) => s.id))}`
    expect(stored).toHaveLength(90)
    for (const row of stored) {
      const s = streams.find((candidate) => candidate.id === row.id)!
      expect(row.content).toBe(`Antwort ${s.index} für ${s.id}`)
      expect(row.tenantId).toBe(s.person.tenantId)
      expect(row.ownerUserId).toBe(s.person.userId)
    }
    // Nothing changed since: a tick writes nothing.
    counter.reset()
    await writer.tick()
    expect(counter.count()).toBe(0)
    await Promise.all(streams.map((s) => s.slot.close()))
    expect(writer.size).toBe(0)
  })

  it("never writes another person's row, in the same clinic or another", async () => {
    const writer = writerFor()
    const [ofA2] = await streamingAnswers(fixture.a2, 1)
    const [ofB1] = await streamingAnswers(fixture.b1, 1)
    // Slots in a1's name for rows that are not a1's: row-level security shows a1 neither.
    const slots = [ofA2!, ofB1!].map((id) =>
      writer.open(answerProgress, context(fixture.a1), id, () => 'fremd'),
    )
    slots.forEach((slot) => slot.changed())
    await writer.tick()
    const rows = await owner<Array<{ content: string }>>`
      select content from messages where id in ${owner([ofA2!, ofB1!])}`
    expect(rows.map((row) => row.content)).toEqual(['', ''])
    await Promise.all(slots.map((slot) => slot.close()))
  })

  it('never overwrites an ended answer', async () => {
    const writer = writerFor({ heartbeatMs: 1 })
    const [id] = await streamingAnswers(fixture.a1, 1)
    let text = 'bis hier'
    const slot = writer.open(answerProgress, context(fixture.a1), id!, () => text)
    slot.changed()
    await writer.tick()
    await owner`update messages set content = 'die ganze Antwort', status = 'complete' where id = ${id!}`
    const [before] = await owner<Array<{ updatedAt: Date }>>`
      select updated_at as "updatedAt" from messages where id = ${id!}`
    text = 'bis hier und weiter'
    slot.changed()
    await writer.tick()
    // And no heartbeat either (due at every tick with a 1 ms heartbeat).
    await writer.tick()
    const [row] = await owner<Array<{ content: string; status: string; updatedAt: Date }>>`
      select content, status, updated_at as "updatedAt" from messages where id = ${id!}`
    expect(row).toEqual({ content: 'die ganze Antwort', status: 'complete', updatedAt: before!.updatedAt })
    await slot.close()
  })

  it('retries a failed batch with the newest text', async () => {
    let failures = 1
    // The real statement, after one that PostgreSQL refuses the first time.
    const failingOnce: ProgressSink = {
      name: 'messages',
      async save(tx, caller, rows) {
        if (failures-- > 0) await tx.execute(sql`select 1 / 0`)
        await answerProgress.save(tx, caller, rows)
      },
    }
    const writer = writerFor()
    const [id] = await streamingAnswers(fixture.b1, 1)
    let text = 'erster Teil'
    const slot = writer.open(failingOnce, context(fixture.b1), id!, () => text)
    slot.changed()
    await writer.tick()
    const [failed] = await owner<Array<{ content: string }>>`select content from messages where id = ${id!}`
    expect(failed!.content).toBe('')
    text = 'erster Teil, zweiter Teil'
    await writer.tick()
    const [saved] = await owner<Array<{ content: string }>>`select content from messages where id = ${id!}`
    expect(saved!.content).toBe('erster Teil, zweiter Teil')
    await slot.close()
  })

  it('closes a slot only once its batch has committed', async () => {
    const writer = writerFor()
    const [id] = await streamingAnswers(fixture.a2, 1)
    const slot = writer.open(answerProgress, context(fixture.a2), id!, () => 'gezeigt')
    slot.changed()
    const ticking = writer.tick()
    await slot.close()
    const [row] = await owner<Array<{ content: string }>>`select content from messages where id = ${id!}`
    expect(row!.content).toBe('gezeigt')
    await ticking
    // Closed: later ticks leave the row to its ending.
    counter.reset()
    await writer.tick()
    expect(counter.count()).toBe(0)
  })

  it('marks a quiet row alive after half the heartbeat, and not before', async () => {
    const writer = writerFor({ heartbeatMs: 400 })
    const [id] = await streamingAnswers(fixture.a1, 1)
    const updatedAt = async () =>
      (await owner<Array<{ at: string }>>`select updated_at::text as at from messages where id = ${id!}`)[0]!
        .at
    const created = await updatedAt()
    const slot = writer.open(answerProgress, context(fixture.a1), id!, () => '')
    await writer.tick()
    expect(await updatedAt()).toBe(created)
    await new Promise((resolve) => setTimeout(resolve, 250))
    await writer.tick()
    expect(await updatedAt()).not.toBe(created)
    const [row] = await owner<Array<{ content: string }>>`select content from messages where id = ${id!}`
    expect(row!.content).toBe('')
    await slot.close()
  })

  it('saves on its own timer within the interval', async () => {
    const writer = new ProgressWriter(db, { everyMs: 100, heartbeatMs: 60_000 })
    const [id] = await streamingAnswers(fixture.b1, 1)
    const slot = writer.open(answerProgress, context(fixture.b1), id!, () => 'vom Zeitgeber')
    slot.changed()
    await new Promise((resolve) => setTimeout(resolve, 400))
    const [row] = await owner<Array<{ content: string }>>`select content from messages where id = ${id!}`
    expect(row!.content).toBe('vom Zeitgeber')
    await slot.close()
    await writer.close()
  })
})
