// me.usage (this month's tokens against the clinic's budget) and the admin
// settings, whose changes are audited by field name only.
import { randomUUID } from 'node:crypto'
import type postgres from 'postgres'
import { beforeAll, describe, expect, it } from 'vitest'
import { rejectionOf, type TestApi, useApiTestBed } from '#tests/support/caller.ts'
import { type FixtureUser, type TwoClinics } from '#tests/support/fixtures.ts'

const bed = useApiTestBed()
let api: TestApi, fixture: TwoClinics, owner: postgres.Sql
beforeAll(() => void ({ api, fixture, owner } = bed))

describe('me.usage', () => {
  let me: FixtureUser
  let colleague: FixtureUser
  let tenantId: string

  beforeAll(async () => {
    // A clinic of its own, so the fixture's usage rows do not count.
    tenantId = randomUUID()
    await owner`insert into tenants (id, slug, name, monthly_token_budget)
                values (${tenantId}, ${'usage-' + tenantId.slice(0, 8)}, 'Usage clinic', 1000)`
    me = { tenantId, userId: randomUUID(), role: 'therapist' }
    colleague = { tenantId, userId: randomUUID(), role: 'therapist' }
    for (const user of [me, colleague]) {
      await owner`insert into users (tenant_id, id, email, name)
                  values (${tenantId}, ${user.userId}, ${user.userId + '@example.test'}, 'Someone')`
    }
    const row = (user: FixtureUser, day: string, prompt: number, completion: number) => owner`
      insert into usage (tenant_id, user_id, day, prompt_tokens, completion_tokens, requests)
      values (${user.tenantId}, ${user.userId}, (${owner.unsafe(day)})::date, ${prompt}, ${completion}, 1)`
    const first = `date_trunc('month', now() at time zone 'UTC')`
    await row(me, first, 100, 50) // this month, first day
    await row(me, `${first} + interval '1 month' - interval '1 day'`, 7, 3) // this month, last day
    await row(me, `${first} - interval '1 day'`, 5000, 5000) // last month
    await row(me, `${first} + interval '1 month'`, 4000, 4000) // next month
    await row(colleague, first, 200, 100) // a colleague this month
  })

  it("adds up my tokens and my clinic's this calendar month, against the budget", async () => {
    const usage = await api.as(me).me.usage()
    const [{ month }] =
      (await owner`select to_char(now() at time zone 'UTC', 'YYYY-MM') as month`) as unknown as [
        { month: string },
      ]
    expect(usage).toEqual({
      month,
      myTokens: 160,
      clinicTokens: 460,
      monthlyBudget: 1000,
      remaining: 540,
    })
    expect((await api.as(colleague).me.usage()).myTokens).toBe(300)
  })

  it('never reports a negative remainder when the clinic is over budget', async () => {
    await owner`update tenants set monthly_token_budget = 400 where id = ${tenantId}`
    const usage = await api.as(me).me.usage()
    expect(usage).toMatchObject({ clinicTokens: 460, monthlyBudget: 400, remaining: 0 })
  })

  it("counts nothing of another clinic's usage", async () => {
    const mine = await api.as(fixture.b1).me.usage()
    const [row] = await owner`
      select coalesce(sum(prompt_tokens + completion_tokens), 0)::int as n from usage
       where tenant_id = ${fixture.clinicB.tenantId}
         and day >= date_trunc('month', now() at time zone 'UTC')::date
         and day < (date_trunc('month', now() at time zone 'UTC') + interval '1 month')::date`
    expect(mine.clinicTokens).toBe(row!.n)
  })
})

describe('admin.settings', () => {
  it("shows the admin their clinic's settings", async () => {
    const settings = await api.as(fixture.aAdmin).admin.settings.get()
    expect(settings).toMatchObject({
      displayName: 'Clinic A',
      modelDeployment: null,
      systemPrompt: null,
      monthlyTokenBudget: 2_000_000,
      retentionDays: null,
    })
  })

  it('updates only the given fields and audits the names of those that changed, never the prompt', async () => {
    const prompt = 'Antworte knapp. Patientin M. mit Borderline-Diagnose besonders behutsam behandeln.'
    // One caller per request: each has its own request id, which the audit event carries.
    const admin = () => api.as(fixture.aAdmin)
    const updated = await admin().admin.settings.update({
      displayName: '  Praxis am See  ',
      systemPrompt: prompt,
      monthlyTokenBudget: 5_000_000,
      modelDeployment: 'gpt-4o',
      retentionDays: 365,
    })
    const requestId = api.lastRequestId
    expect(updated).toMatchObject({
      displayName: 'Praxis am See',
      systemPrompt: prompt,
      monthlyTokenBudget: 5_000_000,
      modelDeployment: 'gpt-4o',
      retentionDays: 365,
    })
    const [tenant] =
      await owner`select name, system_prompt from tenants where id = ${fixture.clinicA.tenantId}`
    expect(tenant).toEqual({ name: 'Praxis am See', system_prompt: prompt })

    const events =
      await owner`select * from audit_events where action = 'settings.updated' and request_id = ${requestId}`
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({
      tenant_id: fixture.clinicA.tenantId,
      actor_user_id: fixture.aAdmin.userId,
      target_type: 'tenant',
      target_id: fixture.clinicA.tenantId,
    })
    expect(Object.keys(events[0]!.details as object).sort()).toEqual([
      'displayName',
      'modelDeployment',
      'monthlyTokenBudget',
      'retentionDays',
      'systemPrompt',
    ])
    expect(JSON.stringify(events[0])).not.toMatch(/Borderline|Praxis am See|gpt-4o/)

    // A second update that changes one field audits that one; clearing to null is a change.
    await admin().admin.settings.update({ systemPrompt: prompt, retentionDays: null })
    const [second] = await owner`select details from audit_events where request_id = ${api.lastRequestId}`
    expect(second!.details).toEqual({ retentionDays: true })

    // Nothing changed, nothing audited.
    const same = await admin().admin.settings.update({ monthlyTokenBudget: 5_000_000 })
    expect(same.monthlyTokenBudget).toBe(5_000_000)
    expect(await owner`select 1 from audit_events where request_id = ${api.lastRequestId}`).toHaveLength(0)

    const [clinicB] =
      await owner`select name, system_prompt, monthly_token_budget from tenants where id = ${fixture.clinicB.tenantId}`
    expect(clinicB).toEqual({ name: 'Clinic B', system_prompt: null, monthly_token_budget: '2000000' })
  })

  it('validates every field with 400 field errors', async () => {
    const invalid: Array<Record<string, unknown>> = [
      { displayName: '' },
      { displayName: 'x'.repeat(121) },
      { displayName: 'line\nbreak' },
      { modelDeployment: '' },
      { modelDeployment: 'has space' },
      { modelDeployment: 'x'.repeat(65) },
      { systemPrompt: 'x'.repeat(8001) },
      { systemPrompt: 'nul\u0000' },
      { monthlyTokenBudget: -1 },
      { monthlyTokenBudget: 10_000_000_001 },
      { monthlyTokenBudget: 1.5 },
      { monthlyTokenBudget: '100' },
      { retentionDays: 0 },
      { retentionDays: 3651 },
    ]
    for (const input of invalid) {
      const { status, body } = await api.http(fixture.aAdmin, 'mutation', 'admin.settings.update', input)
      expect(status, JSON.stringify(input).slice(0, 80)).toBe(400)
      expect(Object.keys(body.error!.data.fieldErrors!)).toEqual(Object.keys(input))
    }
    const edge = await api.as(fixture.aAdmin).admin.settings.update({
      monthlyTokenBudget: 10_000_000_000,
      retentionDays: 3650,
      systemPrompt: 'Zeile 1\nZeile 2\tmit Tab',
      modelDeployment: null,
    })
    expect(edge).toMatchObject({
      monthlyTokenBudget: 10_000_000_000,
      retentionDays: 3650,
      modelDeployment: null,
    })
  })

  it('refuses therapists with 403 and changes nothing', async () => {
    const [before] = await owner`select name, updated_at from tenants where id = ${fixture.clinicA.tenantId}`
    for (const call of [
      api.as(fixture.a1).admin.settings.get(),
      api.as(fixture.a1).admin.settings.update({ displayName: 'Hijacked' }),
    ]) {
      expect((await rejectionOf(call)).code).toBe('FORBIDDEN')
    }
    const { status } = await api.http(fixture.a1, 'mutation', 'admin.settings.update', {
      displayName: 'Hijacked',
    })
    expect(status).toBe(403)
    const [after] = await owner`select name, updated_at from tenants where id = ${fixture.clinicA.tenantId}`
    expect(after).toEqual(before)
  })
})
