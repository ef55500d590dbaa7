// Functions that run with the owner's rights read past row-level security, so each one
// is a reviewed exception: this file lists them from the catalog (a new one fails here
// until it is reviewed and added) and proves the search function returns nothing but
// the caller's own rows, whatever it is asked.
import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectDatabase, type Database } from '#db/client.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { seedTwoClinics, type FixtureUser, type TwoClinics } from '#tests/support/fixtures.ts'

let testDb: TestDatabase
let fixture: TwoClinics
let app: Database
let owner: postgres.Sql
let appClient: postgres.Sql

beforeAll(async () => {
  testDb = await createTestDatabase()
  fixture = await seedTwoClinics(testDb.ownerUrl)
  app = connectDatabase(testDb.appUrl, { max: 2 })
  owner = postgres(testDb.ownerUrl, { max: 1, onnotice: () => {} })
  appClient = postgres(testDb.appUrl, { max: 1, onnotice: () => {} })
  // The same word in a message of every person of both clinics.
  for (const user of [fixture.a1, fixture.a2, fixture.aAdmin, fixture.b1, fixture.bAdmin]) {
    const [conversation] = await owner`
      insert into conversations (tenant_id, owner_user_id, title)
      values (${user.tenantId}, ${user.userId}, 'Achtsamkeit') returning id`
    await owner`
      insert into messages (tenant_id, conversation_id, owner_user_id, role, content)
      values (${user.tenantId}, ${conversation!.id}, ${user.userId}, 'user', 'Achtsamkeitsübungen und Achtsamkeit')`
  }
})

afterAll(async () => {
  await app?.close()
  await owner?.end()
  await appClient?.end()
  await testDb?.drop()
})

/** The reviewed functions the app role may call that run with their owner's rights. */
const REVIEWED = [
  'clinai_erase_person',
  'clinai_search_conversations',
  'clinai_stale_stream_owners',
  'clinai_tenant_ids',
]

describe('SECURITY DEFINER functions', () => {
  it('are exactly the reviewed ones, each callable by the app role only where granted', async () => {
    const rows = await owner<{ proname: string; callable: boolean; by_public: boolean }[]>`
      select p.proname,
             has_function_privilege('clinai_app', p.oid, 'execute') as callable,
             exists (select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) acl
                      where acl.grantee = 0 and acl.privilege_type = 'EXECUTE') as by_public
        from pg_proc p join pg_namespace n on n.oid = p.pronamespace
       where p.prosecdef and n.nspname = 'public'
       order by p.proname`
    expect(rows.map((row) => row.proname)).toEqual(REVIEWED)
    for (const row of rows) {
      expect(row.callable, row.proname).toBe(true)
      expect(row.by_public, row.proname).toBe(false)
    }
  })
})

describe('clinai_search_conversations', () => {
  const hitsAs = (
    user: FixtureUser | null,
    args: { query?: string; patterns?: string[]; limit?: number } = {},
  ) => {
    const work = (tx: Parameters<Parameters<Database['withTenant']>[1]>[0]) =>
      tx.execute<{ conversation_id: string }>(
        sql`select conversation_id from clinai_search_conversations(${args.query ?? 'Achtsamkeit'}, ${sql.param(
          args.patterns ?? ['%achtsamkeit%'],
        )}::text[], ${args.limit ?? 50}, 0)`,
      )
    return user
      ? app.withTenant({ tenantId: user.tenantId, userId: user.userId, role: user.role }, work)
      : app.withTenant({ tenantId: fixture.clinicA.tenantId, userId: null, role: 'system' }, work)
  }
  const ownersOf = async (ids: string[]) =>
    ids.length === 0
      ? []
      : (
          await owner<
            { owner_user_id: string }[]
          >`select owner_user_id from conversations where id = any(${ids})`
        ).map((row) => row.owner_user_id)

  it("answers only the caller's own conversations, for every person of both clinics", async () => {
    for (const user of [fixture.a1, fixture.a2, fixture.aAdmin, fixture.b1, fixture.bAdmin]) {
      const rows = [...(await hitsAs(user))]
      expect(rows.length, user.userId).toBeGreaterThan(0)
      expect(new Set(await ownersOf(rows.map((row) => row.conversation_id)))).toEqual(new Set([user.userId]))
    }
  })

  it('answers nothing without a person in the transaction, and nothing outside withTenant', async () => {
    expect([...(await hitsAs(null))]).toEqual([])
    const outside =
      await appClient`select * from clinai_search_conversations('Achtsamkeit', array['%achtsamkeit%'], 50, 0)`
    expect(outside).toEqual([])
    const forged = await appClient.begin(async (tx) => {
      // Settings set by hand still need a real pair; another clinic's id with my user finds nothing.
      await tx`select set_config('app.tenant_id', ${fixture.clinicB.tenantId}, true), set_config('app.user_id', ${fixture.a1.userId}, true)`
      return tx`select * from clinai_search_conversations('Achtsamkeit', array['%achtsamkeit%'], 50, 0)`
    })
    expect(forged).toEqual([])
  })

  it('answers nothing to unbounded input instead of working hard', async () => {
    expect([...(await hitsAs(fixture.a1, { query: 'a'.repeat(201) }))]).toEqual([])
    expect([
      ...(await hitsAs(fixture.a1, { patterns: Array.from({ length: 9 }, () => '%achtsamkeit%') })),
    ]).toEqual([])
    expect([...(await hitsAs(fixture.a1, { limit: 1000 }))]).toEqual([])
    expect([...(await hitsAs(fixture.a1, { patterns: [`%${'x'.repeat(200)}%`] }))]).toEqual([])
  })

  it('is not a way around RLS for the app role: its tables stay closed to a colleague', async () => {
    const colleagueConversation = randomUUID()
    const rows = await app.withTenant(
      { tenantId: fixture.a1.tenantId, userId: fixture.a1.userId, role: 'therapist' },
      (tx) =>
        tx.execute(
          sql`select count(*)::int as n from conversations where owner_user_id = ${fixture.a2.userId} or id = ${colleagueConversation}`,
        ),
    )
    expect([...rows][0]).toEqual({ n: 0 })
  })
})
