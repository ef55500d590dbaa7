// Personal access tokens, admin user management and the operator CLI, over real HTTP.
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CliError, runCli } from '#server/cli/main.ts'
import type { StartedApp } from '#server/main.ts'
import { startTestApp } from '#tests/support/app-server.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { seedTwoClinics, type FixtureUser, type TwoClinics } from '#tests/support/fixtures.ts'
import { sessionCookieFor } from '#tests/support/sessions.ts'
import { trpcCall } from '#tests/support/trpc-http.ts'

let testDb: TestDatabase
let app: StartedApp
let fixture: TwoClinics
let owner: postgres.Sql

beforeAll(async () => {
  testDb = await createTestDatabase()
  fixture = await seedTwoClinics(testDb.ownerUrl)
  app = await startTestApp({ DATABASE_URL: testDb.appUrl })
  owner = postgres(testDb.ownerUrl, { max: 1, onnotice: () => {} })
})

afterAll(async () => {
  await app?.close()
  await owner?.end()
  await testDb?.drop()
})

const asCookie = async (user: FixtureUser) => ({ cookie: await sessionCookieFor(app.services, user) })
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

async function newToken(user: FixtureUser, input: object = { name: 'script' }) {
  const result = await trpcCall<{ id: string; token: string }>(
    app.url,
    'mutation',
    'tokens.create',
    input,
    await asCookie(user),
  )
  expect(result.status).toBe(200)
  return result.data!
}

describe('personal access tokens', () => {
  it('are shown once, stored only as a hash, and authenticate as their owner', async () => {
    const created = await newToken(fixture.a1, { name: 'export script', expiresInDays: 30 })
    expect(created.token).toMatch(/^clinai_pat_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/)

    const list = await trpcCall<Array<Record<string, unknown>>>(
      app.url,
      'query',
      'tokens.list',
      undefined,
      await asCookie(fixture.a1),
    )
    const listed = list.data!.find((t) => t.id === created.id)!
    expect(listed).toMatchObject({ name: 'export script', revokedAt: null })
    expect(JSON.stringify(list.data)).not.toContain(created.token.slice(-43))
    const stored = await owner`select * from api_tokens where id = ${created.id}`
    expect(JSON.stringify(stored)).not.toContain(created.token.slice(-43))

    const me = await trpcCall<{ user: { id: string; role: string }; clinic: { id: string } }>(
      app.url,
      'query',
      'me.get',
      undefined,
      bearer(created.token),
    )
    expect(me.status).toBe(200)
    expect(me.data!.user.id).toBe(fixture.a1.userId)
    expect(me.data!.clinic.id).toBe(fixture.clinicA.tenantId)
    const [used] = await owner`select last_used_at from api_tokens where id = ${created.id}`
    expect(used!.last_used_at).not.toBeNull()
  })

  it('stop working when revoked, and only their owner can revoke them', async () => {
    const created = await newToken(fixture.a1)
    const byOther = await trpcCall(
      app.url,
      'mutation',
      'tokens.revoke',
      { id: created.id },
      await asCookie(fixture.a2),
    )
    expect(byOther.status).toBe(404)
    const byOtherClinic = await trpcCall(
      app.url,
      'mutation',
      'tokens.revoke',
      { id: created.id },
      await asCookie(fixture.bAdmin),
    )
    expect(byOtherClinic.status).toBe(404)
    expect((await trpcCall(app.url, 'query', 'me.get', undefined, bearer(created.token))).status).toBe(200)

    const revoked = await trpcCall(
      app.url,
      'mutation',
      'tokens.revoke',
      { id: created.id },
      await asCookie(fixture.a1),
    )
    expect(revoked.status).toBe(200)
    expect((await trpcCall(app.url, 'query', 'me.get', undefined, bearer(created.token))).status).toBe(401)
    const [event] =
      await owner`select count(*)::int as n from audit_events where action = 'token.revoked' and target_id = ${created.id}`
    expect(event!.n).toBe(1)
  })

  it('stop working when expired', async () => {
    const created = await newToken(fixture.a1, { name: 'short', expiresInDays: 1 })
    await owner`update api_tokens set expires_at = now() - interval '1 minute' where id = ${created.id}`
    expect((await trpcCall(app.url, 'query', 'me.get', undefined, bearer(created.token))).status).toBe(401)
  })

  it('refuse unknown and malformed credentials with 401, even on a procedure anyone may call', async () => {
    const known = await newToken(fixture.a1)
    const forged = known.token.slice(0, -4) + (known.token.endsWith('AAAA') ? 'BBBB' : 'AAAA')
    for (const authorization of [
      `Bearer ${forged}`,
      'Bearer',
      'Bearer ',
      'Basic dXNlcjpwYXNz',
      `Bearer ${known.token} extra`,
      `Bearer ${'x'.repeat(5000)}`,
      'Bearer clinai_pat_nothex_abc',
      `bearer ${known.token}`,
    ]) {
      const result = await trpcCall(app.url, 'query', 'me.get', undefined, { authorization })
      expect(result.status, authorization.slice(0, 40)).toBe(401)
    }
  })

  it('stop working when their owner is disabled, for good', async () => {
    const created = await newToken(fixture.a2)
    const disabled = await trpcCall(
      app.url,
      'mutation',
      'admin.users.setStatus',
      { userId: fixture.a2.userId, status: 'disabled' },
      await asCookie(fixture.aAdmin),
    )
    expect(disabled.status).toBe(200)
    expect((await trpcCall(app.url, 'query', 'me.get', undefined, bearer(created.token))).status).toBe(401)
    await trpcCall(
      app.url,
      'mutation',
      'admin.users.setStatus',
      { userId: fixture.a2.userId, status: 'active' },
      await asCookie(fixture.aAdmin),
    )
    // Disabling revoked the token; enabling the person again does not revive it.
    expect((await trpcCall(app.url, 'query', 'me.get', undefined, bearer(created.token))).status).toBe(401)
  })

  it('validate their input with field messages', async () => {
    const result = await trpcCall(
      app.url,
      'mutation',
      'tokens.create',
      { name: '', expiresInDays: 9999 },
      await asCookie(fixture.a1),
    )
    expect(result.status).toBe(400)
    expect(Object.keys(result.error!.data.fieldErrors!)).toEqual(
      expect.arrayContaining(['name', 'expiresInDays']),
    )
  })
})

describe('admin users', () => {
  it('are refused to therapists with 403', async () => {
    const headers = await asCookie(fixture.a1)
    expect((await trpcCall(app.url, 'query', 'admin.users.list', undefined, headers)).status).toBe(403)
    const setRole = await trpcCall(
      app.url,
      'mutation',
      'admin.users.setRole',
      { userId: fixture.a1.userId, role: 'admin' },
      headers,
    )
    expect(setRole.status).toBe(403)
    const [row] = await owner`select role from users where id = ${fixture.a1.userId}`
    expect(row!.role).toBe('therapist')
  })

  it("let an admin list only their own clinic's people", async () => {
    const result = await trpcCall<Array<{ id: string }>>(
      app.url,
      'query',
      'admin.users.list',
      undefined,
      await asCookie(fixture.aAdmin),
    )
    const ids = result.data!.map((u) => u.id)
    expect(ids).toEqual(expect.arrayContaining([fixture.a1.userId, fixture.a2.userId, fixture.aAdmin.userId]))
    expect(ids).not.toContain(fixture.b1.userId)
    expect(ids).not.toContain(fixture.bAdmin.userId)
  })

  it("never change another clinic's people", async () => {
    const headers = await asCookie(fixture.aAdmin)
    for (const [path, input] of [
      ['admin.users.setRole', { userId: fixture.b1.userId, role: 'admin' }],
      ['admin.users.setStatus', { userId: fixture.b1.userId, status: 'disabled' }],
    ] as const) {
      const result = await trpcCall(app.url, 'mutation', path, input, headers)
      expect(result.status, path).toBe(404)
    }
    const [row] = await owner`select role, status from users where id = ${fixture.b1.userId}`
    expect(row).toEqual({ role: 'therapist', status: 'active' })
  })

  it('never demote or disable the last active admin', async () => {
    const headers = await asCookie(fixture.aAdmin)
    const demote = await trpcCall(
      app.url,
      'mutation',
      'admin.users.setRole',
      { userId: fixture.aAdmin.userId, role: 'therapist' },
      headers,
    )
    expect(demote.status).toBe(409)
    const disable = await trpcCall(
      app.url,
      'mutation',
      'admin.users.setStatus',
      { userId: fixture.aAdmin.userId, status: 'disabled' },
      headers,
    )
    expect(disable.status).toBe(409)
    // With a second admin, the first may step down.
    expect(
      (
        await trpcCall(
          app.url,
          'mutation',
          'admin.users.setRole',
          { userId: fixture.a2.userId, role: 'admin' },
          headers,
        )
      ).status,
    ).toBe(200)
    expect(
      (
        await trpcCall(
          app.url,
          'mutation',
          'admin.users.setRole',
          { userId: fixture.aAdmin.userId, role: 'therapist' },
          headers,
        )
      ).status,
    ).toBe(200)
    const events =
      await owner`select action, details from audit_events where action = 'user.role_changed' and tenant_id = ${fixture.clinicA.tenantId}`
    expect(events.length).toBe(2)
    // Restore for other tests.
    await owner`update users set role = 'admin' where id = ${fixture.aAdmin.userId}`
    await owner`update users set role = 'therapist' where id = ${fixture.a2.userId}`
  })

  it("end a disabled user's open sessions at their next request", async () => {
    const session = await asCookie(fixture.a2)
    expect((await trpcCall(app.url, 'query', 'me.get', undefined, session)).status).toBe(200)
    await trpcCall(
      app.url,
      'mutation',
      'admin.users.setStatus',
      { userId: fixture.a2.userId, status: 'disabled' },
      await asCookie(fixture.aAdmin),
    )
    expect((await trpcCall(app.url, 'query', 'me.get', undefined, session)).status).toBe(401)
    await trpcCall(
      app.url,
      'mutation',
      'admin.users.setStatus',
      { userId: fixture.a2.userId, status: 'active' },
      await asCookie(fixture.aAdmin),
    )
    // Re-enabling does not resurrect revoked sessions.
    expect((await trpcCall(app.url, 'query', 'me.get', undefined, session)).status).toBe(401)
  })
})

describe('the operator CLI', () => {
  it('creates a clinic with its first admin, lists clinics and issues a working token', async () => {
    const lines: string[] = []
    const out = (line: string) => lines.push(line)
    await runCli(
      [
        'tenant',
        'create',
        '--name',
        'Praxis Test',
        '--slug',
        'praxis-test',
        '--admin-email',
        'Boss@Praxis.test',
      ],
      testDb.ownerUrl,
      out,
    )
    expect(lines.at(-1)).toMatch(/^created clinic praxis-test/)
    await runCli(['tenant', 'list'], testDb.ownerUrl, out)
    expect(lines.some((line) => line.startsWith('praxis-test\t'))).toBe(true)
    // Each clinic with its real head count.
    const [people] =
      await owner`select count(*)::int as n from users where tenant_id = ${fixture.clinicA.tenantId}`
    expect(people!.n).toBeGreaterThan(1)
    expect(lines.find((line) => line.startsWith(`${fixture.clinicA.slug}\t`))).toContain(
      `\t${people!.n} people\t`,
    )
    expect(lines.find((line) => line.startsWith('praxis-test\t'))).toContain('\t1 person\t')
    await runCli(
      ['token', 'create', '--tenant', 'praxis-test', '--email', 'boss@praxis.test', '--name', 'bootstrap'],
      testDb.ownerUrl,
      out,
    )
    const token = lines.find((line) => line.startsWith('clinai_pat_'))!
    const me = await trpcCall<{ user: { email: string; role: string }; clinic: { slug: string } }>(
      app.url,
      'query',
      'me.get',
      undefined,
      bearer(token),
    )
    expect(me.status).toBe(200)
    expect(me.data!.user).toMatchObject({ email: 'boss@praxis.test', role: 'admin' })
    expect(me.data!.clinic.slug).toBe('praxis-test')
  })

  it('refuses bad input clearly and changes nothing', async () => {
    const [before] = await owner`select count(*)::int as n from tenants`
    for (const args of [
      ['tenant', 'create', '--name', 'X', '--slug', 'Bad Slug!', '--admin-email', 'a@b.test'],
      ['tenant', 'create', '--name', 'X', '--slug', 'praxis-test', '--admin-email', 'a@b.test'],
      ['tenant', 'create', '--name', 'X', '--slug', 'fine', '--admin-email', 'not-an-email'],
      ['token', 'create', '--tenant', 'nope', '--email', 'a@b.test', '--name', 'x'],
      ['frobnicate'],
    ]) {
      await expect(
        runCli(args, testDb.ownerUrl, () => {}),
        args.join(' '),
      ).rejects.toBeInstanceOf(CliError)
    }
    const [after] = await owner`select count(*)::int as n from tenants`
    expect(after!.n).toBe(before!.n)
  })
})
