// The settings area's usage dashboard and audit trail: figures that equal a direct
// sum over `usage`, a hash chain that survives concurrent writers and names the
// first event altered behind the app's back, and an append-only trail for the app role.
import { randomUUID } from 'node:crypto'
import type postgres from 'postgres'
import { beforeAll, describe, expect, it } from 'vitest'
import { recordAuditEvent } from '#server/services/audit/record.ts'
import { rejectionOf, type TestApi, useApiTestBed } from '#tests/support/caller.ts'
import { type FixtureUser, type TwoClinics } from '#tests/support/fixtures.ts'
import { expectSqlState } from '#tests/support/pg-error.ts'

const bed = useApiTestBed()
let api: TestApi, fixture: TwoClinics, owner: postgres.Sql
beforeAll(() => void ({ api, fixture, owner } = bed))

/** A clinic of its own with an admin and two therapists, so other tests' rows do not count. */
async function newClinic() {
  const tenantId = randomUUID()
  await owner`insert into tenants (id, slug, name, monthly_token_budget)
              values (${tenantId}, ${'c-' + tenantId.slice(0, 8)}, 'Clinic', 5000)`
  const person = async (role: FixtureUser['role'], name: string): Promise<FixtureUser> => {
    const user: FixtureUser = { tenantId, userId: randomUUID(), role }
    await owner`insert into users (tenant_id, id, email, name, role)
                values (${tenantId}, ${user.userId}, ${user.userId + '@example.test'}, ${name}, ${role})`
    return user
  }
  return {
    tenantId,
    admin: await person('admin', 'Admin'),
    t1: await person('therapist', 'Tara'),
    t2: await person('therapist', 'Theo'),
  }
}

describe('admin.usage', () => {
  it('equals a direct sum over usage, per day, person and model, for the chosen month', async () => {
    const clinic = await newClinic()
    const row = (
      user: FixtureUser,
      day: string,
      model: string,
      requests: number,
      prompt: number,
      completion: number,
    ) =>
      owner`insert into usage (tenant_id, user_id, day, model, requests, prompt_tokens, completion_tokens, estimated_tokens)
            values (${user.tenantId}, ${user.userId}, ${day}, ${model}, ${requests}, ${prompt}, ${completion}, ${model === '' ? prompt : 0})`
    await row(clinic.t1, '2026-03-01', 'gpt-4o-mini', 2, 100, 50)
    await row(clinic.t1, '2026-03-01', 'gpt-4o', 1, 300, 200)
    await row(clinic.t2, '2026-03-15', 'gpt-4o-mini', 3, 70, 30)
    await row(clinic.t2, '2026-03-31', '', 1, 9, 1)
    await row(clinic.t1, '2026-02-28', 'gpt-4o', 9, 9000, 9000) // the month before
    await row(clinic.t1, '2026-04-01', 'gpt-4o', 9, 9000, 9000) // the month after

    const report = await api.as(clinic.admin).admin.usage.month({ month: '2026-03' })
    const [direct] = await owner`
      select sum(requests)::int as requests, sum(prompt_tokens + completion_tokens)::int as tokens
        from usage where tenant_id = ${clinic.tenantId} and day >= '2026-03-01' and day < '2026-04-01'`
    expect(report.totals).toEqual({
      requests: direct!.requests,
      promptTokens: 479,
      completionTokens: 281,
      estimatedTokens: 9,
      tokens: direct!.tokens,
    })
    expect(report.totals.tokens).toBe(760)
    expect(report.monthlyBudget).toBe(5000)
    expect(report.remaining).toBe(4240)
    expect(report.days).toHaveLength(31)
    expect(report.days[0]).toMatchObject({ day: '2026-03-01', requests: 3, tokens: 650 })
    expect(report.days[1]).toMatchObject({ day: '2026-03-02', requests: 0, tokens: 0 })
    expect(report.days.reduce((sum, day) => sum + day.tokens, 0)).toBe(760)
    expect(report.people.map((p) => [p.name, p.requests, p.tokens])).toEqual([
      ['Tara', 3, 650],
      ['Theo', 4, 110],
    ])
    expect(report.models.map((m) => [m.model, m.requests, m.tokens])).toEqual([
      ['gpt-4o', 1, 500],
      ['gpt-4o-mini', 5, 250],
      ['', 1, 10],
    ])
    // Every per-person and per-model figure against the database's own sums.
    for (const person of report.people) {
      const [sum] = await owner`select sum(prompt_tokens + completion_tokens)::int as tokens from usage
        where tenant_id = ${clinic.tenantId} and user_id = ${person.userId} and day between '2026-03-01' and '2026-03-31'`
      expect(person.tokens).toBe(sum!.tokens)
    }
    const rows = await api.as(clinic.admin).admin.usage.rows({ month: '2026-03' })
    expect(rows.rows).toHaveLength(4)
    expect(rows.rows.reduce((sum, r) => sum + r.tokens, 0)).toBe(760)
    const february = await api.as(clinic.admin).admin.usage.month({ month: '2026-02' })
    expect(february.days).toHaveLength(28)
    expect(february.totals.tokens).toBe(18000)
  })

  it('counts the current month when none is given, and refuses a malformed or out-of-range month', async () => {
    const report = await api.as(fixture.aAdmin).admin.usage.month({})
    const [{ month }] =
      (await owner`select to_char(now() at time zone 'UTC', 'YYYY-MM') as month`) as unknown as [
        { month: string },
      ]
    expect(report.month).toBe(month)
    // The fixture: one row per person of clinic A today, 30 tokens each.
    expect(report.totals.tokens).toBe(90)
    for (const bad of ['2026-13', '1999-01', '2026-3', '2026-03-01', "2026-03' or 1=1"]) {
      const error = await rejectionOf(api.as(fixture.aAdmin).admin.usage.month({ month: bad }))
      expect(error.code, bad).toBe('BAD_REQUEST')
    }
  })

  it('is refused to therapists', async () => {
    expect((await rejectionOf(api.as(fixture.a1).admin.usage.month({}))).code).toBe('FORBIDDEN')
    expect((await rejectionOf(api.as(fixture.a1).admin.audit.verify())).code).toBe('FORBIDDEN')
  })
})

describe('admin.audit', () => {
  it('keeps one unbroken chain under 200 concurrent appends, then names the first event altered by the owner', async () => {
    const clinic = await newClinic()
    const db = api.services.db
    const context = { tenantId: clinic.tenantId, userId: clinic.admin.userId, role: 'admin' as const }
    await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        db.withTenant(context, (tx) =>
          recordAuditEvent(tx, {
            tenantId: clinic.tenantId,
            actorUserId: index % 2 ? clinic.t1.userId : clinic.admin.userId,
            action: index % 3 ? 'user.role_changed' : 'settings.updated',
            targetType: 'user',
            targetId: clinic.t2.userId,
            details: { index, ok: true },
          }),
        ),
      ),
    )
    const seqs = await owner`select seq from audit_events where tenant_id = ${clinic.tenantId} order by seq`
    expect(seqs.map((row) => Number(row.seq))).toEqual(Array.from({ length: 200 }, (_, i) => i + 1))
    const admin = api.as(clinic.admin)
    expect(await admin.admin.audit.verify()).toEqual({ total: 200, verifiedUpTo: 200, firstBad: null })

    // The app role cannot change the trail, so tampering needs the owner; the chain shows it.
    const [victim] = await owner`update audit_events set action = 'user.disabled'
                                  where tenant_id = ${clinic.tenantId} and seq = 120 returning id`
    expect(await admin.admin.audit.verify()).toEqual({
      total: 200,
      verifiedUpTo: 119,
      firstBad: { seq: 120, id: victim!.id, problem: 'content_mismatch' },
    })
    // A removed event is a gap.
    await owner`delete from audit_events where tenant_id = ${clinic.tenantId} and seq = 50`
    expect(await admin.admin.audit.verify()).toMatchObject({
      verifiedUpTo: 49,
      firstBad: { seq: 51, problem: 'sequence_gap' },
    })
  })

  it('lists newest first by cursor, filtered by actor, action and date range', async () => {
    const clinic = await newClinic()
    const admin = api.as(clinic.admin)
    for (let index = 0; index < 7; index++) {
      await api.services.db.withTenant(
        { tenantId: clinic.tenantId, userId: clinic.admin.userId, role: 'admin' },
        (tx) =>
          recordAuditEvent(tx, {
            tenantId: clinic.tenantId,
            actorUserId: index < 4 ? clinic.admin.userId : clinic.t1.userId,
            action: index % 2 ? 'settings.updated' : 'user.role_changed',
          }),
      )
    }
    const first = await admin.admin.audit.list({ limit: 3 })
    expect(first.items.map((item) => item.seq)).toEqual([7, 6, 5])
    expect(first.items[0]!.actorName).toBe('Tara')
    const second = await admin.admin.audit.list({ limit: 3, cursor: first.nextCursor })
    expect(second.items.map((item) => item.seq)).toEqual([4, 3, 2])
    const last = await admin.admin.audit.list({ limit: 3, cursor: second.nextCursor })
    expect(last.items.map((item) => item.seq)).toEqual([1])
    expect(last.nextCursor).toBeNull()

    const byActor = await admin.admin.audit.list({ actor: clinic.t1.userId, limit: 100 })
    expect(byActor.items.map((item) => item.seq)).toEqual([7, 6, 5])
    const byAction = await admin.admin.audit.list({ action: 'settings.updated', actor: clinic.admin.userId })
    expect(byAction.items.map((item) => item.seq)).toEqual([4, 2])
    await owner`update audit_events set created_at = '2026-03-10T23:30:00Z' where tenant_id = ${clinic.tenantId} and seq = 1`
    // 23:30 UTC on 10 March is 00:30 on 11 March in Berlin.
    const byDay = await admin.admin.audit.list({ from: '2026-03-11', to: '2026-03-11' })
    expect(byDay.items.map((item) => item.seq)).toEqual([1])
    expect((await admin.admin.audit.list({ from: '2026-03-10', to: '2026-03-10' })).items).toEqual([])
    const choices = await admin.admin.audit.filters()
    expect(choices.actions).toEqual(['settings.updated', 'user.role_changed'])
    expect(choices.actors.map((actor) => actor.name)).toEqual(['Admin', 'Tara'])
    const exported = await admin.admin.audit.export({ action: 'user.role_changed' })
    expect(exported).toMatchObject({ truncated: false })
    expect(exported.items.map((item) => item.seq)).toEqual([7, 5, 3, 1])
    for (const bad of [{ limit: 101 }, { from: '2026-02-30' }, { cursor: 'abc' }, { actor: 'me' }]) {
      expect((await rejectionOf(admin.admin.audit.list(bad as never))).code, JSON.stringify(bad)).toBe(
        'BAD_REQUEST',
      )
    }
  })

  it("never shows another clinic's events", async () => {
    const trail = await api.as(fixture.bAdmin).admin.audit.list({ limit: 100 })
    expect(trail.items.length).toBeGreaterThan(0)
    expect(trail.items.every((item) => item.actorUserId !== fixture.a1.userId)).toBe(true)
    expect(await api.as(fixture.bAdmin).admin.audit.verify()).toMatchObject({ firstBad: null })
  })

  it('lets the app role insert and read audit events, never update or delete them (42501)', async () => {
    const { default: postgresJs } = await import('postgres')
    const app = postgresJs(bed.testDb.appUrl, { max: 1, onnotice: () => {} })
    try {
      const inTenant = <T>(work: (sql: postgres.TransactionSql) => Promise<T>) =>
        app.begin(async (sql) => {
          await sql`select set_config('app.tenant_id', ${fixture.clinicA.tenantId}, true)`
          return work(sql)
        }) as Promise<T>
      const rows = await inTenant((sql) => sql`select id from audit_events limit 1`)
      expect(rows.length).toBe(1)
      expect(
        await expectSqlState(() => inTenant((sql) => sql`update audit_events set action = 'x.y.z'`)),
      ).toBe('42501')
      expect(await expectSqlState(() => inTenant((sql) => sql`delete from audit_events`))).toBe('42501')
      expect(await expectSqlState(() => inTenant((sql) => sql`truncate audit_events`))).toBe('42501')
    } finally {
      await app.end()
    }
  })
})
