// Every list is served by an index scan with a limit: the query plans of the list
// services, captured as they run and explained under the app role inside the same
// clinic and person context, hold no sort and no sequential scan of a tenant table.
// (With a person of thousands of conversations, PostgreSQL would sort if the index
// order did not match the query's.)
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDatabase, type Database } from '#db/client.ts'
import { listConversations } from '#server/services/conversations/conversations.ts'
import { listFolders } from '#server/services/folders/folders.ts'
import { listMessages } from '#server/services/messages/messages.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { seedTwoClinics, type TwoClinics } from '#tests/support/fixtures.ts'

let testDb: TestDatabase
let fixture: TwoClinics
let owner: postgres.Sql
let captured: Array<{ query: string; params: unknown[] }> = []
let appClient: postgres.Sql
let db: Database
let busyConversation: string
let folderId: string

beforeAll(async () => {
  testDb = await createTestDatabase()
  fixture = await seedTwoClinics(testDb.ownerUrl)
  owner = postgres(testDb.ownerUrl, { max: 1, onnotice: () => {} })
  const { tenantId, userId } = fixture.a1
  // A busy person among colleagues: folders, thousands of conversations, one long conversation.
  await owner`
    insert into folders (tenant_id, owner_user_id, name)
    select ${tenantId}, ${userId}, 'Ordner ' || n from generate_series(1, 400) n`
  const [folder] = await owner`select id from folders where tenant_id = ${tenantId} and name = 'Ordner 7'`
  folderId = folder!.id as string
  await owner`
    insert into conversations (tenant_id, owner_user_id, folder_id, title, last_message_at)
    select ${tenantId}, ${userId}, case when n % 3 = 0 then ${folderId}::uuid end, 'Gespräch ' || n,
           now() - make_interval(mins => n)
      from generate_series(1, 6000) n`
  for (const colleague of [fixture.a2, fixture.b1]) {
    await owner`
      insert into folders (tenant_id, owner_user_id, name)
      select ${colleague.tenantId}, ${colleague.userId}, 'Mappe ' || n from generate_series(1, 3000) n`
    await owner`
      insert into conversations (tenant_id, owner_user_id, title)
      select ${colleague.tenantId}, ${colleague.userId}, 'Anderes ' || n from generate_series(1, 3000) n`
  }
  const [busy] = await owner`
    select id from conversations where tenant_id = ${tenantId} and owner_user_id = ${userId} limit 1`
  busyConversation = busy!.id as string
  await owner`
    insert into messages (tenant_id, conversation_id, owner_user_id, role, content, created_at)
    select ${tenantId}, ${busyConversation}, ${userId}, case when n % 2 = 0 then 'assistant' else 'user' end::message_role,
           'Nachricht ' || n, now() - make_interval(secs => 10000 - n)
      from generate_series(1, 6000) n`
  await owner`analyze`
  appClient = postgres(testDb.appUrl, {
    max: 1,
    onnotice: () => {},
    debug: (_connection, query, params) => captured.push({ query, params: params as unknown[] }),
  })
  db = createDatabase(appClient)
})

afterAll(async () => {
  await appClient?.end()
  await owner?.end()
  await testDb?.drop()
})

interface PlanNode {
  'Node Type': string
  'Relation Name'?: string
  Plans?: PlanNode[]
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)]
}

/** Runs a list as the app role, then explains each of its statements in the same context. */
async function plansOf(work: Parameters<Database['withTenant']>[1]): Promise<PlanNode[]> {
  const context = { tenantId: fixture.a1.tenantId, userId: fixture.a1.userId, role: 'therapist' as const }
  captured = []
  await db.withTenant(context, work)
  // postgres.js reads pg_type once per connection; that is not one of ours.
  const lists = captured.filter(
    ({ query }) =>
      /^\s*select/i.test(query) && !query.includes('set_config') && !query.includes('pg_catalog'),
  )
  expect(lists.length).toBeGreaterThan(0)
  const plans: PlanNode[] = []
  await appClient.begin(async (tx) => {
    await tx`select set_config('app.tenant_id', ${context.tenantId}, true), set_config('app.user_id', ${context.userId}, true), set_config('app.role', 'therapist', true)`
    for (const { query, params } of lists) {
      const [row] = await tx.unsafe(
        `explain (format json) ${query}`,
        params as postgres.ParameterOrJSON<never>[],
      )
      plans.push((row!['QUERY PLAN'] as Array<{ Plan: PlanNode }>)[0]!.Plan)
    }
  })
  return plans
}

function expectIndexOrder(plans: PlanNode[], label: string) {
  const all = plans.flatMap(nodes)
  const summary = all.map(
    (node) => `${node['Node Type']}${node['Relation Name'] ? ` on ${node['Relation Name']}` : ''}`,
  )
  expect(
    all.filter((node) => node['Node Type'].includes('Sort')),
    `${label}: ${summary.join(' > ')}`,
  ).toEqual([])
  expect(
    all.filter((node) => node['Node Type'] === 'Seq Scan' && node['Relation Name'] !== 'tenants'),
    `${label}: ${summary.join(' > ')}`,
  ).toEqual([])
  expect(
    all.some((node) => node['Node Type'] === 'Limit'),
    `${label}: ${summary.join(' > ')}`,
  ).toBe(true)
}

describe('list queries', () => {
  const owner1 = () => ({ tenantId: fixture.a1.tenantId, userId: fixture.a1.userId })

  it('conversations: all, one folder and no folder, first page and later ones', async () => {
    const first = await plansOf((tx) => listConversations(tx, owner1(), { limit: 30 }))
    expectIndexOrder(first, 'conversations')
    const page = await db.withTenant({ ...owner1(), role: 'therapist' }, (tx) =>
      listConversations(tx, owner1(), { limit: 30 }),
    )
    expectIndexOrder(
      await plansOf((tx) => listConversations(tx, owner1(), { limit: 30, cursor: page.nextCursor })),
      'conversations, next page',
    )
    expectIndexOrder(
      (await plansOf((tx) => listConversations(tx, owner1(), { limit: 30, folderId }))).slice(-1),
      'conversations in a folder',
    )
    expectIndexOrder(
      await plansOf((tx) => listConversations(tx, owner1(), { limit: 30, folderId: null })),
      'conversations in no folder',
    )
  })

  it('messages of a long conversation, newest page and an earlier one', async () => {
    const plans = await plansOf((tx) =>
      listMessages(tx, owner1(), { conversationId: busyConversation, limit: 50 }),
    )
    expectIndexOrder(plans.slice(-1), 'messages')
    const page = await db.withTenant({ ...owner1(), role: 'therapist' }, (tx) =>
      listMessages(tx, owner1(), { conversationId: busyConversation, limit: 50 }),
    )
    expectIndexOrder(
      (
        await plansOf((tx) =>
          listMessages(tx, owner1(), {
            conversationId: busyConversation,
            limit: 50,
            cursor: page!.nextCursor,
          }),
        )
      ).slice(-1),
      'messages, earlier page',
    )
  })

  it('folders', async () => {
    expectIndexOrder(await plansOf((tx) => listFolders(tx, owner1())), 'folders')
  })
})

describe('search', () => {
  // PL/pgSQL may switch a function's queries to one generic plan after five calls on a
  // connection, a plan that knows neither the clinic nor the person: for search it read ten
  // times more (10 ms to 160 ms for a common word at 10 000 messages, npm run bench:large).
  // The function is planned for each call instead (migration 0021).
  it('is planned for each call, never by a cached generic plan', async () => {
    const [row] = await owner<Array<{ config: string[] | null }>>`
      select proconfig as config from pg_proc where proname = 'clinai_search_conversations'`
    expect(row!.config).toContain('plan_cache_mode=force_custom_plan')
  })
})
