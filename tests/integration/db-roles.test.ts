import postgres from 'postgres'
import { afterAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '#tests/support/database.ts'

const testDb = await createTestDatabase()
const sql = postgres(testDb.superuserUrl.replace(/\/postgres$/, `/${testDb.name}`), {
  max: 1,
  onnotice: () => {},
})

afterAll(async () => {
  await sql.end()
  await testDb.drop()
})

describe('the app role', () => {
  it('is no superuser and cannot bypass row-level security', async () => {
    const [role] = await sql`select rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolcanlogin
                               from pg_roles where rolname = 'clinai_app'`
    expect(role).toEqual({
      rolsuper: false,
      rolbypassrls: false,
      rolcreaterole: false,
      rolcreatedb: false,
      rolcanlogin: true,
    })
  })

  it('owns no table, view, sequence or type', async () => {
    const owned = await sql`select c.relname from pg_class c
                             join pg_roles r on r.oid = c.relowner where r.rolname = 'clinai_app'`
    expect(owned).toEqual([])
    const ownedTypes = await sql`select t.typname from pg_type t
                                  join pg_roles r on r.oid = t.typowner where r.rolname = 'clinai_app'`
    expect(ownedTypes).toEqual([])
  })

  it('may not create tables', async () => {
    const app = postgres(testDb.appUrl, { max: 1, onnotice: () => {} })
    try {
      await expect(app`create table sneaky (id int)`).rejects.toMatchObject({ code: '42501' })
    } finally {
      await app.end()
    }
  })
})
