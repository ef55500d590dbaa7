// conversations.* and messages.list: the caller's own conversations, paged by
// keyset cursors that neither repeat nor skip rows, even at microsecond ties.
import { randomUUID } from 'node:crypto'
import type postgres from 'postgres'
import { beforeAll, describe, expect, it } from 'vitest'
import type { FixtureUser } from '#tests/support/fixtures.ts'
import { rejectionOf, type TestApi, useApiTestBed } from '#tests/support/caller.ts'
import { type TwoClinics } from '#tests/support/fixtures.ts'

const bed = useApiTestBed()
let api: TestApi, fixture: TwoClinics, owner: postgres.Sql
beforeAll(() => void ({ api, fixture, owner } = bed))

/** A conversation written directly, with a chosen last activity (microsecond precision: sent as text, as postgres.js would round a timestamptz parameter to milliseconds). */
async function seedConversation(user: FixtureUser, lastMessageAt: string, folderId: string | null = null) {
  const [row] = await owner`
    insert into conversations (tenant_id, owner_user_id, folder_id, title, last_message_at)
    values (${user.tenantId}, ${user.userId}, ${folderId}, ${'seeded ' + lastMessageAt}, ${lastMessageAt}::text::timestamptz)
    returning id`
  return row!.id as string
}

async function seedMessages(user: FixtureUser, conversationId: string, count: number, start: string) {
  const ids: string[] = []
  for (let i = 0; i < count; i++) {
    const [row] = await owner`
      insert into messages (tenant_id, conversation_id, owner_user_id, role, content, created_at)
      values (${user.tenantId}, ${conversationId}, ${user.userId}, ${i % 2 === 0 ? 'user' : 'assistant'},
              ${'message ' + i}, ${start}::timestamptz + ${i} * interval '1 microsecond')
      returning id`
    ids.push(row!.id as string)
  }
  return ids
}

describe('conversations: create, rename, move, delete', () => {
  it('creates with a default title, or a given one in one of my folders', async () => {
    const a1 = api.as(fixture.a1)
    const plain = await a1.conversations.create()
    expect(plain).toMatchObject({ title: 'New conversation', folderId: null })
    expect((await a1.conversations.create({ title: '   ' })).title).toBe('New conversation')
    const filed = await a1.conversations.create({
      title: '  Anamnese  ',
      folderId: fixture.content.a1.folderId,
    })
    expect(filed).toMatchObject({ title: 'Anamnese', folderId: fixture.content.a1.folderId })
    expect(Date.parse(filed.lastMessageAt)).not.toBeNaN()
  })

  it("refuses another person's folder as NOT_FOUND 'folder_not_found' and creates nothing", async () => {
    const before = await owner`select count(*)::int as n from conversations`
    for (const folderId of [fixture.content.a2.folderId, fixture.content.b1.folderId, randomUUID()]) {
      const error = await rejectionOf(api.as(fixture.a1).conversations.create({ title: 'x', folderId }))
      expect([error.code, error.message]).toEqual(['NOT_FOUND', 'folder_not_found'])
    }
    expect((await owner`select count(*)::int as n from conversations`)[0]!.n).toBe(before[0]!.n)
  })

  it('renames and moves between my folders and out of any folder', async () => {
    const a1 = api.as(fixture.a1)
    const conversation = await a1.conversations.create({ title: 'before' })
    expect((await a1.conversations.rename({ conversationId: conversation.id, title: 'after' })).title).toBe(
      'after',
    )
    const moved = await a1.conversations.move({
      conversationId: conversation.id,
      folderId: fixture.content.a1.folderId,
    })
    expect(moved.folderId).toBe(fixture.content.a1.folderId)
    expect(
      (await a1.conversations.move({ conversationId: conversation.id, folderId: null })).folderId,
    ).toBeNull()

    const intoForeign = await rejectionOf(
      a1.conversations.move({ conversationId: conversation.id, folderId: fixture.content.a2.folderId }),
    )
    expect([intoForeign.code, intoForeign.message]).toEqual(['NOT_FOUND', 'folder_not_found'])
    const [row] = await owner`select folder_id, title from conversations where id = ${conversation.id}`
    expect(row).toEqual({ folder_id: null, title: 'after' })
  })

  it('deletes a conversation with all its messages', async () => {
    const a1 = api.as(fixture.a1)
    const conversation = await a1.conversations.create({ title: 'to delete' })
    await seedMessages(fixture.a1, conversation.id, 3, '2026-11-02T10:00:00Z')
    expect(await a1.conversations.delete({ conversationId: conversation.id })).toEqual({
      conversationId: conversation.id,
      deletedMessages: 3,
    })
    const [left] = await owner`select
      (select count(*)::int from conversations where id = ${conversation.id}) as c,
      (select count(*)::int from messages where conversation_id = ${conversation.id}) as m`
    expect(left).toEqual({ c: 0, m: 0 })
    const again = await rejectionOf(a1.conversations.get({ conversationId: conversation.id }))
    expect([again.code, again.message]).toEqual(['NOT_FOUND', 'conversation_not_found'])
  })

  it("answers another person's conversation exactly like a missing one", async () => {
    const a1 = api.as(fixture.a1)
    const answers = []
    for (const conversationId of [
      fixture.content.a2.conversationId,
      fixture.content.b1.conversationId,
      randomUUID(),
    ]) {
      const error = await rejectionOf(a1.conversations.rename({ conversationId, title: 'mine now' }))
      answers.push([error.code, error.message])
    }
    expect(answers).toEqual(Array(3).fill(['NOT_FOUND', 'conversation_not_found']))
    const titles =
      await owner`select title from conversations where id in ${owner([fixture.content.a2.conversationId, fixture.content.b1.conversationId])} order by title`
    expect(titles.map((r) => r.title)).toEqual(['Conversation a2', 'Conversation b1'])
  })

  it('validates titles and ids with 400 field errors', async () => {
    const long = await api.http(fixture.a1, 'mutation', 'conversations.create', { title: 'x'.repeat(201) })
    expect(long.status).toBe(400)
    expect(Object.keys(long.body.error!.data.fieldErrors!)).toEqual(['title'])
    const move = await api.http(fixture.a1, 'mutation', 'conversations.move', { conversationId: 'nope' })
    expect(move.status).toBe(400)
    expect(Object.keys(move.body.error!.data.fieldErrors!).sort()).toEqual(['conversationId', 'folderId'])
  })
})

describe('conversations.list', () => {
  let user: FixtureUser
  let expected: string[]
  let folderOnly: string[]

  beforeAll(async () => {
    // A fresh therapist so the fixture's and other tests' rows do not interfere.
    user = { tenantId: fixture.clinicA.tenantId, userId: randomUUID(), role: 'therapist' }
    await owner`insert into users (tenant_id, id, email, name, role)
                values (${user.tenantId}, ${user.userId}, ${'pager-' + user.userId + '@example.test'}, 'Pager', 'therapist')`
    const [folder] = await owner`insert into folders (tenant_id, owner_user_id, name)
                                 values (${user.tenantId}, ${user.userId}, 'Paged') returning id`
    const seeded: Array<{ id: string; at: string; inFolder: boolean }> = []
    // Ties at the same microsecond, neighbours one microsecond apart, and spread-out times.
    const times = [
      ...Array(5).fill('2026-11-10T10:00:00.000001Z'),
      '2026-11-10T10:00:00.000002Z',
      '2026-11-10T10:00:00.000000Z',
      '2026-11-10T10:00:00.000003Z',
      ...Array.from({ length: 15 }, (_, i) => `2026-11-0${(i % 9) + 1}T0${i % 10}:00:00.000000Z`),
    ]
    for (const [i, at] of times.entries()) {
      const inFolder = i % 3 === 0
      seeded.push({
        id: await seedConversation(user, at, inFolder ? (folder!.id as string) : null),
        at,
        inFolder,
      })
    }
    // All times share one format, so comparing the strings compares the instants.
    const order = (a: { id: string; at: string }, b: { id: string; at: string }) =>
      a.at === b.at ? (a.id < b.id ? -1 : 1) : a.at < b.at ? 1 : -1
    expected = [...seeded].sort(order).map((s) => s.id)
    folderOnly = [...seeded]
      .filter((s) => s.inFolder)
      .sort(order)
      .map((s) => s.id)
    ;(user as FixtureUser & { folderId?: string }).folderId = folder!.id as string
  })

  async function collect(input: { limit: number; folderId?: string | null }) {
    const seen: string[] = []
    let cursor: string | null = null
    for (let pages = 0; pages < 50; pages++) {
      const page: Awaited<ReturnType<ReturnType<TestApi['as']>['conversations']['list']>> = await api
        .as(user)
        .conversations.list({ ...input, cursor })
      expect(page.items.length).toBeLessThanOrEqual(input.limit)
      seen.push(...page.items.map((c) => c.id))
      if (!page.nextCursor) return seen
      cursor = page.nextCursor
    }
    throw new Error('pagination did not end')
  }

  it('pages newest first without duplicates or gaps, whatever the page size', async () => {
    expect(expected).toHaveLength(23)
    for (const limit of [1, 4, 7, 23, 100]) {
      expect(await collect({ limit }), `limit ${limit}`).toEqual(expected)
    }
  })

  it('defaults to 30 per page and filters by folder or by "no folder"', async () => {
    const all = await api.as(user).conversations.list()
    expect(all.items.map((c) => c.id)).toEqual(expected)
    expect(all.nextCursor).toBeNull()
    const folderId = (user as FixtureUser & { folderId: string }).folderId
    expect(await collect({ limit: 2, folderId })).toEqual(folderOnly)
    expect(await collect({ limit: 5, folderId: null })).toEqual(
      expected.filter((id) => !folderOnly.includes(id)),
    )
  })

  it("refuses another person's folder as a filter (NOT_FOUND), and malformed cursors and limits (400)", async () => {
    const error = await rejectionOf(
      api.as(user).conversations.list({ folderId: fixture.content.a1.folderId }),
    )
    expect([error.code, error.message]).toEqual(['NOT_FOUND', 'folder_not_found'])
    const messageCursor = Buffer.from(`messages|1|user|${randomUUID()}`).toString('base64url')
    for (const input of [
      { cursor: 'not a cursor' },
      { cursor: messageCursor },
      { cursor: 'x'.repeat(500) },
      { limit: 0 },
      { limit: 101 },
      { limit: 2.5 },
    ]) {
      const { status, body } = await api.http(user, 'query', 'conversations.list', input)
      expect(status, JSON.stringify(input)).toBe(400)
      expect(Object.keys(body.error!.data.fieldErrors!)).toEqual(Object.keys(input))
    }
  })
})

describe('conversations.get and messages.list', () => {
  it('returns the newest messages in chronological order with hasMore, and pages back through the rest', async () => {
    const a1 = api.as(fixture.a1)
    const conversation = await a1.conversations.create({ title: 'long one' })
    const ids = await seedMessages(fixture.a1, conversation.id, 63, '2026-11-05T09:00:00Z')

    const opened = await a1.conversations.get({ conversationId: conversation.id })
    expect(opened).toMatchObject({ id: conversation.id, title: 'long one' })
    expect(opened.messages.items.map((m) => m.id)).toEqual(ids.slice(-50))
    expect(opened.messages.hasMore).toBe(true)
    expect(opened.messages.items[0]).toMatchObject({
      role: 'assistant',
      content: 'message 13',
      status: 'complete',
    })

    const older = await a1.messages.list({
      conversationId: conversation.id,
      cursor: opened.messages.nextCursor,
    })
    expect(older.items.map((m) => m.id)).toEqual(ids.slice(0, 13))
    expect(older).toMatchObject({ hasMore: false, nextCursor: null })

    const small = await a1.conversations.get({ conversationId: conversation.id, messageLimit: 5 })
    expect(small.messages.items.map((m) => m.content)).toEqual(
      [58, 59, 60, 61, 62].map((i) => `message ${i}`),
    )

    const collected: string[][] = []
    let cursor: string | null = null
    do {
      const page: Awaited<ReturnType<typeof a1.messages.list>> = await a1.messages.list({
        conversationId: conversation.id,
        limit: 10,
        cursor,
      })
      collected.unshift(page.items.map((m) => m.id))
      cursor = page.nextCursor
    } while (cursor)
    expect(collected.flat()).toEqual(ids)
  })

  it('orders a question before its answer when both were written in one transaction', async () => {
    const a1 = api.as(fixture.a1)
    const conversation = await a1.conversations.create({ title: 'same instant' })
    for (let round = 0; round < 5; round++) {
      await owner.begin(async (tx) => {
        await tx`insert into messages (tenant_id, conversation_id, owner_user_id, role, content)
                 values (${fixture.a1.tenantId}, ${conversation.id}, ${fixture.a1.userId}, 'user', ${'q' + round})`
        await tx`insert into messages (tenant_id, conversation_id, owner_user_id, role, content)
                 values (${fixture.a1.tenantId}, ${conversation.id}, ${fixture.a1.userId}, 'assistant', ${'a' + round})`
      })
    }
    const seen: string[] = []
    let cursor: string | null = null
    const pages: string[][] = []
    do {
      const page: Awaited<ReturnType<typeof a1.messages.list>> = await a1.messages.list({
        conversationId: conversation.id,
        limit: 3,
        cursor,
      })
      pages.unshift(page.items.map((m) => m.content))
      cursor = page.nextCursor
    } while (cursor)
    seen.push(...pages.flat())
    expect(seen).toEqual(['q0', 'a0', 'q1', 'a1', 'q2', 'a2', 'q3', 'a3', 'q4', 'a4'])
  })

  it('refuses messages of a conversation that is not mine, even with a valid cursor of mine', async () => {
    const a1 = api.as(fixture.a1)
    const conversation = await a1.conversations.create({ title: 'cursor source' })
    await seedMessages(fixture.a1, conversation.id, 4, '2026-11-06T09:00:00Z')
    const { nextCursor } = await a1.messages.list({ conversationId: conversation.id, limit: 2 })
    expect(nextCursor).not.toBeNull()
    for (const conversationId of [fixture.content.a2.conversationId, fixture.content.b1.conversationId]) {
      const error = await rejectionOf(a1.messages.list({ conversationId, cursor: nextCursor }))
      expect([error.code, error.message]).toEqual(['NOT_FOUND', 'conversation_not_found'])
    }
    const bounded = await api.http(fixture.a1, 'query', 'conversations.get', {
      conversationId: conversation.id,
      messageLimit: 1000,
    })
    expect(bounded.status).toBe(400)
    expect(Object.keys(bounded.body.error!.data.fieldErrors!)).toEqual(['messageLimit'])
  })
})
