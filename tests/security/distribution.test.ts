// The schema stays distributable by tenant_id (Citus, which Azure offers as elastic
// clusters on Flexible Server): read from the catalog, every primary key and unique
// constraint of a tenant table includes tenant_id, and every foreign key between
// tenant tables carries it on both sides. A table added later is checked too.
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'

let testDb: TestDatabase
let catalog: postgres.Sql

beforeAll(async () => {
  testDb = await createTestDatabase()
  catalog = postgres(testDb.ownerUrl, { max: 1, onnotice: () => {} })
})

afterAll(async () => {
  await catalog?.end()
  await testDb?.drop()
})

interface Constraint {
  table: string
  name: string
  type: 'p' | 'u' | 'f'
  columns: string[]
  referenced_table: string | null
  referenced_columns: string[] | null
  referenced_is_tenant_table: boolean
}

async function tenantTableConstraints(): Promise<Constraint[]> {
  return catalog<Constraint[]>`
    with tenant_tables as (
      select c.oid
        from pg_class c
        join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'public' and c.relkind in ('r', 'p')
         and exists (select 1 from pg_attribute a
                      where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)
    )
    select con.conrelid::regclass::text as table, con.conname as name, con.contype as type,
           array(select a.attname::text from unnest(con.conkey) k join pg_attribute a
                  on a.attrelid = con.conrelid and a.attnum = k) as columns,
           nullif(con.confrelid, 0)::regclass::text as referenced_table,
           case when con.confrelid <> 0 then
             array(select a.attname::text from unnest(con.confkey) k join pg_attribute a
                    on a.attrelid = con.confrelid and a.attnum = k) end as referenced_columns,
           con.confrelid in (select oid from tenant_tables) as referenced_is_tenant_table
      from pg_constraint con
     where con.conrelid in (select oid from tenant_tables) and con.contype in ('p', 'u', 'f')
     order by 1, 2`
}

describe('distribution by tenant_id', () => {
  it('every primary key and unique constraint of a tenant table includes tenant_id', async () => {
    const constraints = (await tenantTableConstraints()).filter((c) => c.type !== 'f')
    expect(constraints.filter((c) => c.type === 'p').length).toBeGreaterThan(5)
    const missing = constraints
      .filter((c) => !c.columns.includes('tenant_id'))
      .map((c) => `${c.table}.${c.name}`)
    expect(missing).toEqual([])
  })

  it('every unique index of a tenant table includes tenant_id', async () => {
    const indexes = await catalog<{ index: string; has_tenant: boolean }[]>`
      select i.indexrelid::regclass::text as index,
             exists (select 1 from unnest(i.indkey) k join pg_attribute a
                      on a.attrelid = i.indrelid and a.attnum = k where a.attname = 'tenant_id') as has_tenant
        from pg_index i join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
       where i.indisunique and n.nspname = 'public'
         and exists (select 1 from pg_attribute a
                      where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)`
    expect(indexes.filter((index) => !index.has_tenant).map((index) => index.index)).toEqual([])
  })

  it('every foreign key between tenant tables matches tenant_id to tenant_id', async () => {
    const foreignKeys = (await tenantTableConstraints()).filter(
      (c) => c.type === 'f' && c.referenced_is_tenant_table,
    )
    expect(foreignKeys.length).toBeGreaterThan(5)
    const wrong = foreignKeys
      .filter((fk) => {
        const at = fk.columns.indexOf('tenant_id')
        return at < 0 || fk.referenced_columns![at] !== 'tenant_id'
      })
      .map((fk) => `${fk.table}.${fk.name}`)
    expect(wrong).toEqual([])
  })
})
