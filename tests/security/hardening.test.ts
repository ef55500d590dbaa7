// The HTTP front door under abuse: bodies over their limits (declared, chunked, huge),
// wrong content types, oversized batches, the API's rate limits across two instances,
// malformed tokens, and the headers every page carries. Over real HTTP and raw sockets.
import { randomUUID } from 'node:crypto'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StartedApp } from '#server/main.ts'
import { startTestApp } from '#tests/support/app-server.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { seedTwoClinics, type FixtureUser, type TwoClinics } from '#tests/support/fixtures.ts'
import { openRawConnection, requestHead } from '#tests/support/raw-http.ts'
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

const cookieOf = (user: FixtureUser) => sessionCookieFor(app.services, user)

async function tokenFor(user: FixtureUser, target: StartedApp = app): Promise<{ id: string; token: string }> {
  const cookie = await sessionCookieFor(target.services, user)
  const created = await trpcCall<{ id: string; token: string }>(
    target.url,
    'mutation',
    'tokens.create',
    { name: `script-${randomUUID().slice(0, 6)}` },
    { cookie },
  )
  expect(created.status).toBe(200)
  return created.data!
}

describe('request bodies', () => {
  it('refuses a declared chat body over the limit with 413 and serves the next request on the connection', async () => {
    const connection = await openRawConnection(app.url)
    const body = Buffer.alloc(300 * 1024, 'a')
    await connection.write(
      requestHead('POST', `/api/chat/${randomUUID()}`, {
        authorization: 'Bearer clinai_pat_x',
        'content-type': 'application/json',
        'content-length': body.length,
      }),
    )
    await connection.write(body)
    await connection.write(requestHead('GET', '/health', {}))
    const refused = await connection.nextResponse()
    expect(refused.status).toBe(413)
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'payload_too_large' } })
    const next = await connection.nextResponse()
    expect(next.status).toBe(200)
    connection.destroy()
  })

  it('answers a chunked body that grows past the limit with 413, not a reset', async () => {
    const connection = await openRawConnection(app.url)
    await connection.write(
      requestHead('POST', `/api/chat/${randomUUID()}`, {
        'content-type': 'application/json',
        'transfer-encoding': 'chunked',
      }),
    )
    const chunk = Buffer.alloc(64 * 1024, 'b')
    const writing = (async () => {
      for (let i = 0; i < 8; i++) {
        await connection.write(`${chunk.length.toString(16)}\r\n`)
        await connection.write(chunk)
        await connection.write('\r\n')
      }
      await connection.write('0\r\n\r\n')
    })()
    const refused = await connection.nextResponse()
    expect(refused.status).toBe(413)
    expect(JSON.parse(refused.body).error.code).toBe('payload_too_large')
    await writing
    connection.destroy()
  })

  it('refuses tRPC bodies over 1 MB with 413 while reading, and the connection stays usable', async () => {
    const connection = await openRawConnection(app.url)
    const body = Buffer.alloc(2 * 1024 * 1024, ' ')
    await connection.write(
      requestHead('POST', '/api/trpc/folders.create', {
        'content-type': 'application/json',
        'content-length': body.length,
      }),
    )
    await connection.write(body)
    await connection.write(requestHead('GET', '/health', {}))
    expect((await connection.nextResponse()).status).toBe(413)
    expect((await connection.nextResponse()).status).toBe(200)
    connection.destroy()
  })

  it('answers three 100 MB bodies with 413 and Connection: close without holding them in memory', async () => {
    const before = process.memoryUsage().rss
    const hundredMegabytes = 100 * 1024 * 1024
    const chunk = Buffer.alloc(1024 * 1024, '[')
    const attempts = Array.from({ length: 3 }, async (_, index) => {
      const connection = await openRawConnection(app.url)
      const chunked = index === 2
      await connection.write(
        requestHead('POST', '/api/trpc/folders.create', {
          'content-type': 'application/json',
          ...(chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': hundredMegabytes }),
        }),
      )
      const response = connection.nextResponse(15_000)
      let stopped = false
      void connection.closed.then(() => (stopped = true))
      for (let sent = 0; sent < hundredMegabytes && !stopped; sent += chunk.length) {
        if (chunked) await connection.write(`${chunk.length.toString(16)}\r\n`)
        await connection.write(chunk)
        if (chunked) await connection.write('\r\n')
        // The answer comes after the first megabyte at the latest; the rest need not be sent.
        if (sent >= 3 * chunk.length) break
      }
      const refused = await response
      connection.destroy()
      return refused
    })
    const responses = await Promise.all(attempts)
    for (const response of responses) {
      expect(response.status).toBe(413)
      expect(response.headers.connection).toBe('close')
    }
    const grownMegabytes = (process.memoryUsage().rss - before) / 1024 / 1024
    expect(grownMegabytes, `the process grew by ${grownMegabytes.toFixed(1)} MB`).toBeLessThan(40)
  })

  it('refuses form posts that are not forms with 415 and broken multipart with 400, never 500', async () => {
    const cookie = await cookieOf(fixture.a1)
    const post = (headers: Record<string, string>, body: string) =>
      fetch(`${app.url}/app`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie, origin: new URL(app.url).origin, ...headers },
        body,
      })
    const json = await post({ 'content-type': 'application/json' }, '{"intent":"folder.create","name":"x"}')
    expect(json.status).toBe(415)
    expect(await json.json()).toEqual({ error: { code: 'unsupported_media_type' } })
    expect((await post({ 'content-type': 'text/plain' }, 'intent=folder.create')).status).toBe(415)
    expect((await post({}, 'intent=folder.create')).status).toBe(415)
    const broken = await post(
      { 'content-type': 'multipart/form-data; boundary=xyz' },
      '--xyz\r\nContent-Disposition: form-data; name="intent"\r\n\r\nfolder.cre',
    )
    expect(broken.status).toBe(400)
    const [row] = await owner`select count(*)::int as n from folders where name = 'x'`
    expect(row!.n).toBe(0)
  })
})

describe('tRPC batches', () => {
  const batchOf = (calls: number) =>
    `${app.url}/api/trpc/${Array.from({ length: calls }, () => 'me.usage').join(',')}?batch=1&input=${encodeURIComponent(
      JSON.stringify(Object.fromEntries(Array.from({ length: calls }, (_, i) => [i, null]))),
    )}`

  it('answers a batch of 25 calls and refuses 26 without running any', async () => {
    const cookie = await cookieOf(fixture.a2)
    const ok = await fetch(batchOf(25), { headers: { cookie } })
    expect(ok.status).toBe(200)
    expect(((await ok.json()) as unknown[]).length).toBe(25)
    const refused = await fetch(batchOf(26), { headers: { cookie } })
    expect(refused.status).toBe(400)
  })

  it('refuses a batch of 100 mutations and creates nothing', async () => {
    const cookie = await cookieOf(fixture.a2)
    const calls = 100
    const body = Object.fromEntries(Array.from({ length: calls }, (_, i) => [i, {}]))
    const response = await fetch(
      `${app.url}/api/trpc/${Array.from({ length: calls }, () => 'conversations.create').join(',')}?batch=1`,
      {
        method: 'POST',
        headers: { cookie, origin: new URL(app.url).origin, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      },
    )
    expect(response.status).toBe(400)
    const [row] =
      await owner`select count(*)::int as n from conversations where owner_user_id = ${fixture.a2.userId}`
    expect(row!.n).toBe(1) // the fixture's own
  })
})

describe('the API rate limit', () => {
  let first: StartedApp, second: StartedApp
  beforeAll(async () => {
    const limits = { API_RATE_LIMIT_PER_MINUTE: '40', API_TOKEN_RATE_LIMIT_PER_MINUTE: '20' }
    first = await startTestApp({ DATABASE_URL: testDb.appUrl, ...limits })
    second = await startTestApp({ DATABASE_URL: testDb.appUrl, ...limits })
  })
  afterAll(async () => {
    await first?.close()
    await second?.close()
  })

  it('limits a token and its person across two instances, with Retry-After', async () => {
    const person = fixture.b1
    const { token } = await tokenFor(person, first)
    const bearer = { authorization: `Bearer ${token}` }
    // 20 token calls, half through each instance: the shared counter reaches the token's limit.
    for (let call = 0; call < 20; call++) {
      const target = call % 2 === 0 ? first : second
      expect((await trpcCall(target.url, 'query', 'me.get', undefined, bearer)).status).toBe(200)
    }
    const refused = await fetch(`${second.url}/api/trpc/me.get`, { headers: bearer })
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(((await refused.json()) as { error: { data: { code: string } } }).error.data.code).toBe(
      'TOO_MANY_REQUESTS',
    )

    // The person's own browser session still has room (21 of 40 used, tokens.create included),
    // until it has not.
    const cookie = { cookie: await sessionCookieFor(first.services, person) }
    for (let call = 0; call < 19; call++) {
      expect((await trpcCall(first.url, 'query', 'me.get', undefined, cookie)).status).toBe(200)
    }
    expect((await fetch(`${second.url}/api/trpc/me.get`, { headers: cookie })).status).toBe(429)
    // Another person of the same clinic is not affected.
    const colleague = { cookie: await sessionCookieFor(first.services, fixture.bAdmin) }
    expect((await trpcCall(second.url, 'query', 'me.get', undefined, colleague)).status).toBe(200)
  })
})

describe('malformed credentials', () => {
  // 32 hex digits where the clinic's id goes, but not a UUID (version and variant bits).
  const notAUuid = `clinai_pat_${'f'.repeat(32)}_${'A'.repeat(43)}`
  const almostTokens = [
    notAUuid,
    `clinai_pat_${'0'.repeat(32)}_${'A'.repeat(43)}`,
    `clinai_pat_${randomUUID().replaceAll('-', '')}_${'A'.repeat(43)}`,
    `clinai_pat_${randomUUID().replaceAll('-', '').toUpperCase()}_${'A'.repeat(43)}`,
    'clinai_pat_',
  ]

  it.each(almostTokens)('answers %s with 401 on the API and the chat, and no 500 on pages', async (token) => {
    const headers = { authorization: `Bearer ${token}` }
    expect((await fetch(`${app.url}/api/trpc/me.get`, { headers })).status).toBe(401)
    const chat = await fetch(`${app.url}/api/chat/${randomUUID()}`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'Hallo' }),
    })
    expect(chat.status).toBe(401)
    const page = await fetch(`${app.url}/app`, { headers, redirect: 'manual' })
    expect(page.status).toBeLessThan(500)
  })
})

describe('disabling a person', () => {
  it('revokes their tokens for good: enabling them again brings none back', async () => {
    const person = fixture.a2
    const { token, id } = await tokenFor(person)
    const bearer = { authorization: `Bearer ${token}` }
    expect((await trpcCall(app.url, 'query', 'me.get', undefined, bearer)).status).toBe(200)

    const [live] = await owner`
      select count(*)::int as n from api_tokens where user_id = ${person.userId} and revoked_at is null`
    expect(live!.n).toBeGreaterThan(0)
    const admin = { cookie: await cookieOf(fixture.aAdmin) }
    const setStatus = (status: 'active' | 'disabled') =>
      trpcCall(app.url, 'mutation', 'admin.users.setStatus', { userId: person.userId, status }, admin)
    expect((await setStatus('disabled')).status).toBe(200)
    expect((await trpcCall(app.url, 'query', 'me.get', undefined, bearer)).status).toBe(401)
    expect((await setStatus('active')).status).toBe(200)
    expect((await trpcCall(app.url, 'query', 'me.get', undefined, bearer)).status).toBe(401)

    const [stored] = await owner`select revoked_at from api_tokens where id = ${id}`
    expect(stored!.revoked_at).not.toBeNull()
    const [still] = await owner`
      select count(*)::int as n from api_tokens where user_id = ${person.userId} and revoked_at is null`
    expect(still!.n).toBe(0)
    const [event] = await owner`
      select details from audit_events
       where tenant_id = ${person.tenantId} and action = 'user.status_changed' and target_id = ${person.userId}
       order by created_at asc limit 1`
    expect(event!.details).toMatchObject({ from: 'active', to: 'disabled', tokensRevoked: live!.n })
  })
})

describe('response headers', () => {
  it('gives every page a nonce-based Content-Security-Policy that its inline scripts carry', async () => {
    const cookie = await cookieOf(fixture.a1)
    for (const [path, headers] of [
      ['/', {}],
      ['/app', { cookie }],
    ] as const) {
      const response = await fetch(`${app.url}${path}`, { headers, redirect: 'manual' })
      expect(response.status, path).toBe(200)
      const csp = response.headers.get('content-security-policy')!
      const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1]
      expect(nonce, path).toBeTruthy()
      for (const directive of [
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "connect-src 'self'",
        "default-src 'self'",
      ]) {
        expect(csp, path).toContain(directive)
      }
      expect(csp).toMatch(/form-action 'self' http:\/\/localhost/)
      expect(csp.split(';').find((part) => part.trim().startsWith('script-src'))).not.toContain(
        'unsafe-inline',
      )
      const html = await response.text()
      const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)]
      expect(inline.length, path).toBeGreaterThan(0)
      for (const [, attributes] of inline) expect(attributes).toContain(`nonce="${nonce}"`)
      expect(response.headers.get('permissions-policy')).toContain('camera=()')
      expect(response.headers.get('x-frame-options')).toBe('DENY')
    }
    // A new nonce for every response.
    const again = await fetch(`${app.url}/`, { redirect: 'manual' })
    const first = await fetch(`${app.url}/`, { redirect: 'manual' })
    expect(again.headers.get('content-security-policy')).not.toBe(
      first.headers.get('content-security-policy'),
    )
  })

  it('marks signed-in pages and API answers no-store, and sends no HSTS outside production', async () => {
    const cookie = await cookieOf(fixture.a1)
    const page = await fetch(`${app.url}/app`, { headers: { cookie } })
    expect(page.status).toBe(200)
    expect(page.headers.get('cache-control')).toBe('no-store')
    const data = await fetch(`${app.url}/app?_data=routes%2Fapp`, { headers: { cookie } })
    expect(data.headers.get('cache-control')).toBe('no-store')
    const api = await fetch(`${app.url}/api/trpc/me.get`, { headers: { cookie } })
    expect(api.headers.get('cache-control')).toBe('no-store')
    expect(page.headers.get('strict-transport-security')).toBeNull()
  })
})
