// Row-level security, proven from both sides for every tenant table. Tables are
// enumerated from pg_catalog, so a table added later is covered without anyone
// remembering to add it here.
import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectDatabase, connectOwner, createDatabase, type Database } from '#db/client.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { seedTwoClinics, type FixtureUser, type TwoClinics } from '#tests/support/fixtures.ts'
import { expectSqlState } from '#tests/support/pg-error.ts'

const testDb: TestDatabase = await createTestDatabase()
const catalog = postgres(testDb.ownerUrl, { max: 1, onnotice: () => {} })
const tenantTables: Array<{ table: string; hasOwner: boolean; ownerColumn: string | null }> = (
  await catalog<{ relname: string; owner_column: string | null }[]>`
    select c.relname,
           (select a2.attname from pg_attribute a2
             where a2.attrelid = c.oid and a2.attname = 'owner_user_id' and not a2.attisdropped) as owner_column
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
     where n.nspname = 'public' and c.relkind in ('r', 'p')
     order by c.relname`
).map((row) => ({ table: row.relname, hasOwner: row.owner_column !== null, ownerColumn: row.owner_column }))

let fixture: TwoClinics
let app: Database
let owner: ReturnType<typeof connectOwner>

beforeAll(async () => {
  fixture = await seedTwoClinics(testDb.ownerUrl)
  app = connectDatabase(testDb.appUrl, { max: 4 })
  owner = connectOwner(testDb.ownerUrl)
})

afterAll(async () => {
  await app?.close()
  await owner?.close()
  await catalog.end()
  await testDb.drop()
})

const ctx = (user: FixtureUser) => ({ tenantId: user.tenantId, userId: user.userId, role: user.role })
const ident = (table: string) => sql.raw(`"${table.replaceAll('"', '""')}"`)

async function ownerCount(table: string, where: string): Promise<number> {
  const [row] = await owner.client.unsafe(`select count(*)::int as n from "${table}" where ${where}`)
  return Number(row!.n)
}

async function canAppRole(table: string, privilege: 'UPDATE' | 'DELETE' | 'INSERT'): Promise<boolean> {
  const [row] = await owner.client`select has_table_privilege('clinai_app', ${table}, ${privilege}) as ok`
  return Boolean(row!.ok)
}

/** Another clinic's row, re-keyed, to try to write it as someone who must not. */
async function foreignRowJson(table: string, where: string): Promise<string> {
  const [row] = await owner.client.unsafe(`select to_jsonb(t) as j from "${table}" t where ${where} limit 1`)
  const json = row!.j as Record<string, unknown>
  if ('id' in json)
    json.id = typeof json.id === 'string' && json.id.length === 36 ? randomUUID() : `x-${randomUUID()}`
  if ('day' in json) json.day = '2026-10-01'
  return JSON.stringify(json)
}

/** The row as an insert statement; generated columns (search vectors) are left to the database. */
async function insertFromJson(table: string, json: string) {
  const columns = await owner.client<Array<{ name: string }>>`
    select attname as name from pg_attribute
     where attrelid = ${table}::regclass and attnum > 0 and not attisdropped and attgenerated = ''
     order by attnum`
  const list = sql.raw(columns.map(({ name }) => `"${name.replaceAll('"', '""')}"`).join(', '))
  return sql`insert into ${ident(table)} (${list}) select ${list} from jsonb_populate_record(null::${ident(table)}, ${json}::jsonb)`
}

describe('the schema', () => {
  it('has tenant tables to check (the enumeration works)', () => {
    const names = tenantTables.map((t) => t.table)
    for (const expected of [
      'users',
      'folders',
      'conversations',
      'messages',
      'usage',
      'api_tokens',
      'sessions',
      'audit_events',
    ]) {
      expect(names).toContain(expected)
    }
  })

  it('enables and forces row-level security on every table with a tenant_id, and on tenants', async () => {
    const rows = await owner.client<
      { relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }[]
    >`
      select c.relname, c.relrowsecurity, c.relforcerowsecurity
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'public' and c.relkind in ('r', 'p')
         and (c.relname = 'tenants' or exists (
              select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped))`
    expect(rows.length).toBe(tenantTables.length + 1)
    for (const row of rows) {
      expect({ table: row.relname, rls: row.relrowsecurity, force: row.relforcerowsecurity }).toEqual({
        table: row.relname,
        rls: true,
        force: true,
      })
    }
  })

  it('has fixture rows in every tenant table for both clinics (so the checks below are not vacuous)', async () => {
    for (const { table } of tenantTables) {
      expect(await ownerCount(table, `tenant_id = '${fixture.clinicA.tenantId}'`), table).toBeGreaterThan(0)
      expect(await ownerCount(table, `tenant_id = '${fixture.clinicB.tenantId}'`), table).toBeGreaterThan(0)
    }
  })
})

describe.each(tenantTables)('$table as the app role', ({ table, ownerColumn }) => {
  const clinicB = () => `tenant_id = '${fixture.clinicB.tenantId}'`

  it("sees clinic A's rows and none of clinic B's inside withTenant(A)", async () => {
    const rows = await app.withTenant(ctx(fixture.a1), (tx) =>
      tx.execute<{ tenant_id: string; owner: string | null }>(
        sql`select tenant_id, ${ownerColumn ? sql.raw(`"${ownerColumn}"`) : sql`null`} as owner from ${ident(table)}`,
      ),
    )
    const ownRows = ownerColumn
      ? await ownerCount(
          table,
          `tenant_id = '${fixture.clinicA.tenantId}' and "${ownerColumn}" = '${fixture.a1.userId}'`,
        )
      : await ownerCount(table, `tenant_id = '${fixture.clinicA.tenantId}'`)
    expect(ownRows).toBeGreaterThan(0)
    expect(rows.length).toBe(ownRows)
    for (const row of rows) {
      expect(row.tenant_id).toBe(fixture.clinicA.tenantId)
      if (ownerColumn) expect(row.owner).toBe(fixture.a1.userId)
    }
    const [foreign] = await app.withTenant(ctx(fixture.a1), (tx) =>
      tx.execute<{ n: number }>(
        sql`select count(*)::int as n from ${ident(table)} where ${sql.raw(clinicB())}`,
      ),
    )
    expect(foreign!.n).toBe(0)
  })

  it('cannot insert a row for clinic B (SQLSTATE 42501)', async () => {
    const insert = await insertFromJson(table, await foreignRowJson(table, clinicB()))
    const state = await expectSqlState(() => app.withTenant(ctx(fixture.a1), (tx) => tx.execute(insert)))
    expect(state).toBe('42501')
  })

  it("changes nothing of clinic B's by update or delete", async () => {
    const before = await ownerCount(table, clinicB())
    for (const privilege of ['UPDATE', 'DELETE'] as const) {
      const statement =
        privilege === 'UPDATE'
          ? sql`update ${ident(table)} set tenant_id = tenant_id where ${sql.raw(clinicB())}`
          : sql`delete from ${ident(table)} where ${sql.raw(clinicB())}`
      if (await canAppRole(table, privilege)) {
        const result = await app.withTenant(ctx(fixture.aAdmin), (tx) => tx.execute(statement))
        expect(result.count, `${privilege} ${table}`).toBe(0)
      } else {
        // Append-only tables: the app role may not update or delete at all.
        const state = await expectSqlState(() =>
          app.withTenant(ctx(fixture.aAdmin), (tx) => tx.execute(statement)),
        )
        expect(state).toBe('42501')
      }
    }
    expect(await ownerCount(table, clinicB())).toBe(before)
  })

  it('sees nothing without a tenant context', async () => {
    const client = postgres(testDb.appUrl, { max: 1, onnotice: () => {} })
    try {
      const [row] = await client.begin((tx) => tx.unsafe(`select count(*)::int as n from "${table}"`))
      expect(row!.n).toBe(0)
    } finally {
      await client.end()
    }
  })
})

describe('within one clinic', () => {
  const contentTables = () => tenantTables.filter((t) => t.ownerColumn)

  it('has owner-scoped content tables: folders, conversations, messages', () => {
    expect(contentTables().map((t) => t.table)).toEqual(
      expect.arrayContaining(['folders', 'conversations', 'messages']),
    )
  })

  it("therapist 1 cannot see, change or write therapist 2's content", async () => {
    for (const { table, ownerColumn } of contentTables()) {
      const ofA2 = `tenant_id = '${fixture.clinicA.tenantId}' and "${ownerColumn}" = '${fixture.a2.userId}'`
      const before = await ownerCount(table, ofA2)
      expect(before, table).toBeGreaterThan(0)
      const [seen] = await app.withTenant(ctx(fixture.a1), (tx) =>
        tx.execute<{ n: number }>(sql`select count(*)::int as n from ${ident(table)} where ${sql.raw(ofA2)}`),
      )
      expect(seen!.n, table).toBe(0)
      const updated = await app.withTenant(ctx(fixture.a1), (tx) =>
        tx.execute(sql`update ${ident(table)} set updated_at = now() where ${sql.raw(ofA2)}`),
      )
      expect(updated.count, table).toBe(0)
      const deleted = await app.withTenant(ctx(fixture.a1), (tx) =>
        tx.execute(sql`delete from ${ident(table)} where ${sql.raw(ofA2)}`),
      )
      expect(deleted.count, table).toBe(0)
      const insert = await insertFromJson(table, await foreignRowJson(table, ofA2))
      const state = await expectSqlState(() => app.withTenant(ctx(fixture.a1), (tx) => tx.execute(insert)))
      expect(state, table).toBe('42501')
      expect(await ownerCount(table, ofA2), table).toBe(before)
    }
  })

  it("an admin does not see therapists' clinical content", async () => {
    for (const { table } of contentTables()) {
      const [seen] = await app.withTenant(ctx(fixture.aAdmin), (tx) =>
        tx.execute<{ n: number }>(sql`select count(*)::int as n from ${ident(table)}`),
      )
      expect(seen!.n, table).toBe(0)
    }
  })
})

describe('the tenants table', () => {
  it('shows a request its own clinic only', async () => {
    const rows = await app.withTenant(ctx(fixture.a1), (tx) =>
      tx.execute<{ id: string }>(sql`select id from tenants`),
    )
    expect(rows.map((r) => r.id)).toEqual([fixture.clinicA.tenantId])
    const updated = await app.withTenant(ctx(fixture.aAdmin), (tx) =>
      tx.execute(sql`update tenants set name = name where id = ${fixture.clinicB.tenantId}`),
    )
    expect(updated.count).toBe(0)
  })
})

describe('composite foreign keys', () => {
  it("a conversation cannot reference another clinic's folder, even through the owner connection", async () => {
    const state = await expectSqlState(
      () =>
        owner.client`insert into conversations (tenant_id, owner_user_id, folder_id, title)
                   values (${fixture.clinicA.tenantId}, ${fixture.a1.userId}, ${fixture.content.b1.folderId}, 'x')`,
    )
    expect(state).toBe('23503')
  })

  it("a message cannot reference another clinic's conversation, even through the owner connection", async () => {
    const state = await expectSqlState(
      () =>
        owner.client`insert into messages (tenant_id, conversation_id, owner_user_id, role, content)
                   values (${fixture.clinicA.tenantId}, ${fixture.content.b1.conversationId}, ${fixture.a1.userId}, 'user', 'x')`,
    )
    expect(state).toBe('23503')
  })
})

describe('pooled connections', () => {
  it('do not carry a clinic into the next transaction', async () => {
    // One connection, so the second transaction runs exactly where the first did.
    const client = postgres(testDb.appUrl, { max: 1, onnotice: () => {} })
    const single = createDatabase(client)
    try {
      const inside = await single.withTenant(ctx(fixture.a1), (tx) =>
        tx.execute<{ n: number }>(sql`select count(*)::int as n from users`),
      )
      expect(inside[0]!.n).toBeGreaterThan(0)
      const [after] = await client.begin(
        (tx) => tx`select count(*)::int as n, coalesce(current_setting('app.tenant_id', true), '') as tenant,
                          coalesce(current_setting('app.user_id', true), '') as user_id from users`,
      )
      expect(after).toEqual({ n: 0, tenant: '', user_id: '' })
      const [outside] = await client`select count(*)::int as n from conversations`
      expect(outside!.n).toBe(0)
    } finally {
      await client.end()
    }
  })

  it('refuses a malformed context before touching the database', async () => {
    await expect(
      app.withTenant({ tenantId: 'not-a-uuid', userId: null, role: 'system' }, async () => 1),
    ).rejects.toThrow()
  })
})
