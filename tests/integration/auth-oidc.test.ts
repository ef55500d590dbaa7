// Sign-in over real HTTP: our app, openid-client and jose against an OIDC peer
// whose ID tokens each test shapes. Every refusal must leave no session behind.
import { randomUUID } from 'node:crypto'
import postgres from 'postgres'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { StartedApp } from '#server/main.ts'
import { startTestApp } from '#tests/support/app-server.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { startFakeIdp, validIdToken, type FakeIdp } from '#tests/support/fake-idp.ts'
import { seedTwoClinics, type TwoClinics } from '#tests/support/fixtures.ts'

let testDb: TestDatabase
let idp: FakeIdp
let app: StartedApp
let fixture: TwoClinics
let owner: postgres.Sql

beforeAll(async () => {
  testDb = await createTestDatabase()
  fixture = await seedTwoClinics(testDb.ownerUrl)
  idp = await startFakeIdp()
  app = await startTestApp({
    DATABASE_URL: testDb.appUrl,
    AUTH_ISSUER: idp.issuer,
    AUTH_CLIENT_ID: idp.clientId,
    AUTH_CLIENT_SECRET: idp.clientSecret,
    AUTH_REDIRECT_URI: 'http://localhost/auth/callback',
  })
  owner = postgres(testDb.ownerUrl, { max: 1, onnotice: () => {} })
})

afterAll(async () => {
  await app?.close()
  await idp?.close()
  await owner?.end()
  await testDb?.drop()
})

let person: { sub: string; email: string; name: string }
beforeEach(() => {
  const id = randomUUID().slice(0, 8)
  person = { sub: `sub-${id}`, email: `therapist-${id}@clinic-a.test`, name: `Therapist ${id}` }
  idp.idToken = null
  idp.claims = { ...person, tenant_id: fixture.clinicA.tenantId, role: 'therapist' }
})

async function beginSignIn(returnTo = '/app') {
  const response = await fetch(`${app.url}/auth/sign-in?returnTo=${encodeURIComponent(returnTo)}`, {
    redirect: 'manual',
  })
  expect(response.status).toBe(302)
  const location = new URL(response.headers.get('location')!)
  const cookie = response.headers.getSetCookie()[0]!.split(';')[0]!
  idp.nonce = location.searchParams.get('nonce')!
  idp.codeChallenge = location.searchParams.get('code_challenge')!
  return { location, cookie, state: location.searchParams.get('state')! }
}

async function callback(
  flow: { cookie: string; state: string },
  options: { state?: string; cookie?: string | null } = {},
) {
  const cookie = options.cookie === undefined ? flow.cookie : options.cookie
  return fetch(
    `${app.url}/auth/callback?code=test-code&state=${encodeURIComponent(options.state ?? flow.state)}`,
    {
      redirect: 'manual',
      headers: cookie ? { cookie } : {},
    },
  )
}

function sessionCookieOf(response: Response): string | null {
  const cookie = response.headers
    .getSetCookie()
    .find((c) => c.startsWith('clinai_session=') && !c.startsWith('clinai_session=;'))
  return cookie ? cookie.split(';')[0]! : null
}

async function signIn(returnTo = '/app') {
  const flow = await beginSignIn(returnTo)
  const response = await callback(flow)
  return { flow, response, session: sessionCookieOf(response) }
}

async function sessionCount(): Promise<number> {
  const [row] = await owner`select count(*)::int as n from sessions where revoked_at is null`
  return row!.n
}

async function expectRefused(response: Response, status: number, reason: string) {
  expect(response.status).toBe(status)
  expect(sessionCookieOf(response)).toBeNull()
  const html = await response.text()
  expect(html).toContain(`Reference: ${reason}`)
}

describe('the authorization request', () => {
  it('uses the code flow with PKCE S256, state, nonce and a fresh login prompt', async () => {
    const { location, cookie } = await beginSignIn()
    expect(location.origin + location.pathname).toBe(`${idp.issuer}/authorize`)
    const params = location.searchParams
    expect(params.get('response_type')).toBe('code')
    expect(params.get('client_id')).toBe(idp.clientId)
    expect(params.get('code_challenge_method')).toBe('S256')
    expect(params.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(params.get('state')!.length).toBeGreaterThan(20)
    expect(params.get('nonce')!.length).toBeGreaterThan(20)
    expect(params.get('prompt')).toBe('login')
    expect(params.get('scope')).toContain('openid')
    expect(cookie).toMatch(/^clinai_oidc=/)
  })
})

describe('the return path after sign-in', () => {
  // Each of these leaves the site in a browser (tabs and line breaks are dropped, `\` is `/`)
  // or cannot be sent as a Location header at all.
  const hostile = [
    '/\t/evil.example/',
    '/\n/evil.example/',
    '/\u000b/evil.example/',
    '/\f/evil.example/',
    '//evil.example/',
    '/\\evil.example/',
    '/%2F%2Fevil.example/',
    'https://evil.example/',
    'javascript:alert(1)',
  ]

  it.each(hostile)('%j ends on this site, after a session was opened', async (returnTo) => {
    const { response, session } = await signIn(returnTo)
    expect(response.status).toBe(302)
    expect(session).toBeTruthy()
    const location = response.headers.get('location')!
    expect(new URL(location, app.url).origin).toBe(new URL(app.url).origin)
    expect(location).toBe('/')
  })

  it('keeps a same-site path with its query, normalised', async () => {
    const { response } = await signIn('/app/search?q=Müdigkeit')
    expect(response.headers.get('location')).toBe('/app/search?q=M%C3%BCdigkeit')
  })
})

describe('a valid sign-in', () => {
  it('provisions the user in their clinic, opens a session and returns to the page they wanted', async () => {
    const { response, session } = await signIn('/app?tab=1')
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('/app?tab=1')
    expect(session).toBeTruthy()
    // The token request carried the PKCE verifier (the peer checked it against the challenge).
    expect(idp.tokenRequests.at(-1)!.get('code_verifier')).toBeTruthy()

    const me = await fetch(`${app.url}/api/trpc/me.get`, { headers: { cookie: session! } })
    expect(me.status).toBe(200)
    const body = (await me.json()) as {
      result: { data: { user: { email: string; role: string }; clinic: { id: string } } }
    }
    expect(body.result.data.user).toMatchObject({ email: person.email, role: 'therapist' })
    expect(body.result.data.clinic.id).toBe(fixture.clinicA.tenantId)

    const page = await fetch(`${app.url}/app`, { headers: { cookie: session! }, redirect: 'manual' })
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('Clinic A')
  })

  it('refreshes name and email at later sign-ins, while the database keeps the role', async () => {
    await signIn()
    await owner`update users set role = 'admin' where oidc_subject = ${person.sub}`
    idp.claims = { ...idp.claims, name: 'Renamed Person', role: 'therapist' }
    await signIn()
    const [row] = await owner`select name, role from users where oidc_subject = ${person.sub}`
    expect(row).toEqual({ name: 'Renamed Person', role: 'admin' })
  })

  it('issues a new session id at every sign-in (no fixation)', async () => {
    const first = await signIn()
    const flow = await beginSignIn()
    // A cookie planted before sign-in is never promoted to the new session.
    const planted = `${first.session}; ${flow.cookie}`
    const second = await callback(flow, { cookie: planted })
    const next = sessionCookieOf(second)
    expect(next).toBeTruthy()
    expect(next).not.toBe(first.session)
  })

  it('records the sign-in in the clinic audit trail without names or emails', async () => {
    await signIn()
    const [user] = await owner`select id from users where oidc_subject = ${person.sub}`
    const events = await owner`select action, actor_user_id, target_id, request_id, details::text as details
                               from audit_events where actor_user_id = ${user!.id}`
    expect(events.map((e) => e.action)).toContain('auth.signed_in')
    for (const event of events) {
      expect(event.request_id).toBeTruthy()
      expect(event.details ?? '').not.toContain(person.email)
      expect(event.details ?? '').not.toContain(person.name)
    }
  })
})

describe('sign-in is refused', () => {
  it('on a state mismatch', async () => {
    const flow = await beginSignIn()
    const before = await sessionCount()
    await expectRefused(await callback(flow, { state: 'x'.repeat(43) }), 401, 'state_mismatch')
    expect(await sessionCount()).toBe(before)
  })

  it('on a nonce mismatch', async () => {
    const flow = await beginSignIn()
    idp.idToken = (request, sign) =>
      validIdToken({ ...request, nonce: 'another-nonce-entirely-1234' }, sign, idp.claims)
    await expectRefused(await callback(flow), 401, 'invalid_id_token')
  })

  it('without the PKCE verifier (no sign-in transaction of ours)', async () => {
    const flow = await beginSignIn()
    const before = idp.tokenRequests.length
    await expectRefused(await callback(flow, { cookie: null }), 401, 'missing_transaction')
    // Refused before any code exchange.
    expect(idp.tokenRequests.length).toBe(before)
  })

  it('with a wrong issuer', async () => {
    const flow = await beginSignIn()
    idp.idToken = (request, sign) =>
      validIdToken({ ...request, issuer: 'http://evil.example' }, sign, idp.claims)
    await expectRefused(await callback(flow), 401, 'invalid_id_token')
  })

  it('with a wrong audience', async () => {
    const flow = await beginSignIn()
    idp.idToken = (request, sign) => validIdToken({ ...request, clientId: 'someone-else' }, sign, idp.claims)
    await expectRefused(await callback(flow), 401, 'invalid_id_token')
  })

  it('with an expired token', async () => {
    const flow = await beginSignIn()
    const past = Math.floor(Date.now() / 1000) - 3600
    idp.idToken = (request, sign) =>
      validIdToken(request, sign, { ...idp.claims, iat: past - 300, exp: past })
    await expectRefused(await callback(flow), 401, 'invalid_id_token')
  })

  it('with alg: none', async () => {
    const flow = await beginSignIn()
    idp.idToken = async (request) => {
      const now = Math.floor(Date.now() / 1000)
      const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
      const payload = {
        iss: request.issuer,
        aud: request.clientId,
        iat: now,
        exp: now + 300,
        nonce: request.nonce,
        ...idp.claims,
      }
      return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(payload)}.`
    }
    await expectRefused(await callback(flow), 401, 'invalid_id_token')
  })

  it('with a tampered signature', async () => {
    const flow = await beginSignIn()
    idp.idToken = async (request, sign) => {
      const token = await validIdToken(request, sign, idp.claims)
      const [header, payload, signature] = token.split('.')
      const flipped = signature![10] === 'A' ? 'B' : 'A'
      return `${header}.${payload}.${signature!.slice(0, 10)}${flipped}${signature!.slice(11)}`
    }
    await expectRefused(await callback(flow), 401, 'invalid_id_token')
  })

  it('with a token signed by a key the issuer does not publish', async () => {
    const flow = await beginSignIn()
    idp.idToken = (request, sign) => {
      const now = Math.floor(Date.now() / 1000)
      return sign.withUnknownKey({
        iss: request.issuer,
        aud: request.clientId,
        iat: now,
        exp: now + 300,
        nonce: request.nonce,
        ...idp.claims,
      })
    }
    await expectRefused(await callback(flow), 401, 'invalid_id_token')
  })

  it('with a tampered payload (a different clinic spliced in)', async () => {
    const flow = await beginSignIn()
    idp.idToken = async (request, sign) => {
      const token = await validIdToken(request, sign, idp.claims)
      const [header, payload, signature] = token.split('.')
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString())
      claims.tenant_id = fixture.clinicB.tenantId
      return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`
    }
    await expectRefused(await callback(flow), 401, 'invalid_id_token')
  })

  it('for a tenant_id that names no clinic, with a clear page', async () => {
    idp.claims = { ...idp.claims, tenant_id: randomUUID() }
    const flow = await beginSignIn()
    const response = await callback(flow)
    expect(response.status).toBe(403)
    expect(sessionCookieOf(response)).toBeNull()
    expect(await response.text()).toContain('Your organisation is not set up in ClinAI')
    const [row] = await owner`select count(*)::int as n from users where oidc_subject = ${person.sub}`
    expect(row!.n).toBe(0)
  })

  it('for a disabled user, whose open sessions also stop working', async () => {
    const { session } = await signIn()
    expect(
      (await fetch(`${app.url}/app`, { headers: { cookie: session! }, redirect: 'manual' })).status,
    ).toBe(200)
    await owner`update users set status = 'disabled' where oidc_subject = ${person.sub}`
    const page = await fetch(`${app.url}/app`, { headers: { cookie: session! }, redirect: 'manual' })
    expect(page.status).toBe(302)
    expect(page.headers.get('location')).toMatch(/^\/auth\/sign-in\?returnTo=/)
    const flow = await beginSignIn()
    const response = await callback(flow)
    expect(response.status).toBe(403)
    expect(sessionCookieOf(response)).toBeNull()
    const [event] = await owner`select details->>'reason' as reason from audit_events
                                 where action = 'auth.sign_in_failed' order by created_at desc limit 1`
    expect(event!.reason).toBe('user_disabled')
  })

  it('when the email already belongs to another identity in the clinic', async () => {
    const [existing] = await owner`select email from users where id = ${fixture.a1.userId}`
    idp.claims = { ...idp.claims, email: existing!.email }
    const flow = await beginSignIn()
    const response = await callback(flow)
    expect(response.status).toBe(403)
    expect(sessionCookieOf(response)).toBeNull()
  })
})

describe('sessions', () => {
  it('redirect a protected page to sign-in and back', async () => {
    const response = await fetch(`${app.url}/app?x=1`, { redirect: 'manual' })
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe(`/auth/sign-in?returnTo=${encodeURIComponent('/app?x=1')}`)
  })

  it('end on the server at sign-out: the old cookie no longer works', async () => {
    const { session } = await signIn()
    const out = await fetch(`${app.url}/auth/sign-out`, {
      method: 'POST',
      headers: { cookie: session! },
      redirect: 'manual',
    })
    expect(out.status).toBe(302)
    const reused = await fetch(`${app.url}/api/trpc/me.get`, { headers: { cookie: session! } })
    expect(reused.status).toBe(401)
    const [event] = await owner`select count(*)::int as n from audit_events where action = 'auth.signed_out'`
    expect(event!.n).toBeGreaterThan(0)
  })

  it('expire after the idle timeout and after the absolute lifetime', async () => {
    const idle = await signIn()
    await owner`update sessions set last_seen_at = now() - interval '31 minutes'
                where user_id = (select id from users where oidc_subject = ${person.sub})`
    expect((await fetch(`${app.url}/api/trpc/me.get`, { headers: { cookie: idle.session! } })).status).toBe(
      401,
    )

    const absolute = await signIn()
    await owner`update sessions set expires_at = now() - interval '1 second', last_seen_at = now()
                where user_id = (select id from users where oidc_subject = ${person.sub}) and revoked_at is null`
    expect(
      (await fetch(`${app.url}/api/trpc/me.get`, { headers: { cookie: absolute.session! } })).status,
    ).toBe(401)
  })

  it('ignore a forged or tampered cookie', async () => {
    const { session } = await signIn()
    const [name, value] = session!.split('=')
    const tampered = `${name}=${value!.slice(0, -3)}abc`
    expect((await fetch(`${app.url}/api/trpc/me.get`, { headers: { cookie: tampered } })).status).toBe(401)
  })
})
