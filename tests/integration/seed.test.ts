import postgres from 'postgres'
import { afterAll, describe, expect, it } from 'vitest'
import { seedDemoData } from '#infra/local/seed.ts'
import { demoClinics } from '#infra/local/demo-accounts.ts'
import { createTestDatabase } from '#tests/support/database.ts'

const testDb = await createTestDatabase()
afterAll(() => testDb.drop())

describe('the demo seed', () => {
  it('creates two clinics with an admin and two therapists each, and their work', async () => {
    expect(await seedDemoData(testDb.ownerUrl, { oidcIssuer: 'http://localhost:5556' })).toEqual({
      seeded: true,
    })
    const sql = postgres(testDb.ownerUrl, { max: 1, onnotice: () => {} })
    try {
      const clinics = await sql`select t.slug,
          (select count(*)::int from users u where u.tenant_id = t.id and u.role = 'admin') as admins,
          (select count(*)::int from users u where u.tenant_id = t.id and u.role = 'therapist') as therapists,
          (select count(*)::int from folders f where f.tenant_id = t.id) as folders,
          (select count(*)::int from conversations c where c.tenant_id = t.id) as conversations,
          (select count(*)::int from messages m where m.tenant_id = t.id) as messages
        from tenants t order by t.slug`
      expect(clinics.map((c) => c.slug)).toEqual(demoClinics.map((c) => c.slug).sort())
      for (const clinic of clinics) {
        expect(clinic.admins).toBe(1)
        expect(clinic.therapists).toBe(2)
        expect(clinic.folders).toBeGreaterThan(0)
        expect(clinic.conversations).toBeGreaterThan(0)
        expect(clinic.messages).toBeGreaterThan(clinic.conversations)
      }
    } finally {
      await sql.end()
    }
  })

  it('leaves a database that already has clinics alone', async () => {
    expect(await seedDemoData(testDb.ownerUrl, { oidcIssuer: 'http://localhost:5556' })).toEqual({
      seeded: false,
    })
  })
})
