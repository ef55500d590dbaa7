// A production-mode server fuzzed over what arrives before any procedure runs:
// Authorization headers, cookies, content types with their bodies, and the return
// paths of form posts. Whatever comes in, the answer is never a 5xx.
import { randomUUID } from 'node:crypto'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '#server/config/env.ts'
import { startApp, type StartedApp } from '#server/main.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { seedTwoClinics, type TwoClinics } from '#tests/support/fixtures.ts'
import { sessionCookieFor } from '#tests/support/sessions.ts'

const RUNS = 60

let testDb: TestDatabase
let app: StartedApp
let fixture: TwoClinics
let session: string

beforeAll(async () => {
  testDb = await createTestDatabase()
  fixture = await seedTwoClinics(testDb.ownerUrl)
  const config = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    DATABASE_URL: testDb.appUrl,
    AUTH_ISSUER: 'https://login.clinai.invalid/',
    AUTH_CLIENT_ID: 'clinai',
    AUTH_CLIENT_SECRET: 'not-used-here',
    AUTH_REDIRECT_URI: 'https://clinai.invalid/auth/callback',
    SESSION_SECRET: 'f'.repeat(48),
    PSEUDONYM_KEY: 'e'.repeat(64),
    AZURE_OPENAI_ENDPOINT: 'https://aoai.clinai.invalid/',
    AZURE_OPENAI_API_KEY: 'not-used-here',
    API_RATE_LIMIT_PER_MINUTE: '1000000',
    API_TOKEN_RATE_LIMIT_PER_MINUTE: '1000000',
  })
  app = await startApp(config, { port: 0 })
  session = await sessionCookieFor(app.services, fixture.a1)
})

afterAll(async () => {
  await app?.close()
  await testDb?.drop()
})

const origin = () => new URL(app.url).origin
const statuses: number[] = []

async function send(path: string, init: RequestInit = {}): Promise<number> {
  const response = await fetch(`${app.url}${path}`, { redirect: 'manual', ...init })
  await response.arrayBuffer()
  statuses.push(response.status)
  return response.status
}

// Header values fetch will send: visible ASCII and spaces, no line breaks.
const headerText = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 120,
})
const hex = (length: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: length, maxLength: length })
const secretPart = fc.string({
  unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-'),
  minLength: 0,
  maxLength: 60,
})

const authorization = fc.oneof(
  headerText,
  headerText.map((text) => `Bearer ${text}`),
  fc.tuple(hex(32), secretPart).map(([id, secret]) => `Bearer clinai_pat_${id}_${secret}`),
  fc
    .tuple(fc.nat({ max: 40 }).chain(hex), secretPart)
    .map(([id, secret]) => `Bearer clinai_pat_${id}_${secret}`),
  fc.constant(`Bearer clinai_pat_${'f'.repeat(32)}_${'A'.repeat(43)}`),
  fc.constant('Basic dXNlcjpwYXNz'),
  fc.constant('Bearer'),
)

const cookieName = fc.constantFrom('__Host-clinai_session', 'clinai_session', '__Host-clinai_oidc', 'x')
const cookie = fc.oneof(
  fc
    .tuple(
      cookieName,
      headerText.filter((v) => !v.includes(';')),
    )
    .map(([name, value]) => `${name}=${value}`),
  fc
    .tuple(cookieName, fc.base64String({ maxLength: 80 }), fc.base64String({ maxLength: 60 }))
    .map(([name, value, signature]) => `${name}=${value}.${signature}`),
  fc.constant(
    `__Host-clinai_session=${encodeURIComponent(btoa('{"t":"ffffffff-ffff-ffff-ffff-ffffffffffff"}'))}.x`,
  ),
  fc.constant('__Host-clinai_session=%E0%A4%A'),
)

const targets = ['/app', '/app/search?q=x', '/api/trpc/me.get', '/api/trpc/conversations.list', '/', '/ready']

describe('the front door in production mode', () => {
  it('answers every Authorization header without a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(authorization, fc.constantFrom(...targets), async (value, path) => {
        expect(await send(path, { headers: { authorization: value } })).toBeLessThan(500)
      }),
      { numRuns: RUNS },
    )
    // and on the chat stream, which authenticates on its own
    await fc.assert(
      fc.asyncProperty(authorization, async (value) => {
        const status = await send(`/api/chat/${randomUUID()}`, {
          method: 'POST',
          headers: { authorization: value, 'content-type': 'application/json' },
          body: '{"content":"Hallo"}',
        })
        expect(status).toBeLessThan(500)
      }),
      { numRuns: RUNS },
    )
  })

  it('answers every cookie without a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(cookie, { minLength: 1, maxLength: 3 }),
        fc.constantFrom(...targets),
        async (values, path) => {
          expect(await send(path, { headers: { cookie: values.join('; ') } })).toBeLessThan(500)
        },
      ),
      { numRuns: RUNS },
    )
  })

  it('answers every content type and body on every writing route without a 5xx', async () => {
    const contentType = fc.oneof(
      headerText,
      fc.constantFrom(
        'application/json',
        'text/plain',
        'multipart/form-data',
        'multipart/form-data; boundary=',
        'multipart/form-data; boundary=x',
        'application/x-www-form-urlencoded',
        'application/x-www-form-urlencoded; charset=utf-16',
        'application/octet-stream',
      ),
    )
    const body = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.constantFrom(
        '--x\r\nContent-Disposition: form-data; name="intent"\r\n\r\nfolder.',
        '{"intent":',
        'intent=%ZZ',
      ),
    )
    const routes = [
      '/app',
      '/app/tokens',
      '/app/c/00000000-0000-4000-8000-000000000000',
      '/auth/sign-out',
      '/api/trpc/folders.create',
      `/api/chat/${randomUUID()}`,
    ]
    await fc.assert(
      fc.asyncProperty(
        contentType,
        body,
        fc.constantFrom(...routes),
        fc.boolean(),
        async (type, text, path, signedIn) => {
          const headers: Record<string, string> = { origin: origin(), 'content-type': type }
          if (signedIn) headers.cookie = session
          expect(await send(path, { method: 'POST', headers, body: text })).toBeLessThan(500)
        },
      ),
      { numRuns: RUNS * 2 },
    )
  })

  it('follows only workspace paths after a form post, whatever the return path', async () => {
    const returnPath = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.constantFrom(
        '/\t/evil.example',
        '/\\evil.example',
        '//evil.example',
        '/app\u000b',
        '/%2F%2Fevil',
        '/app/%2e%2e/auth',
      ),
      fc.string({ maxLength: 30 }).map((rest) => `/app${rest}`),
    )
    await fc.assert(
      fc.asyncProperty(returnPath, async (redirectTo) => {
        const form = new URLSearchParams({
          intent: 'folder.rename',
          folderId: randomUUID(),
          name: 'x',
          redirectTo,
        })
        const response = await fetch(`${app.url}/app`, {
          method: 'POST',
          redirect: 'manual',
          headers: { origin: origin(), cookie: session, 'content-type': 'application/x-www-form-urlencoded' },
          body: form,
        })
        await response.arrayBuffer()
        statuses.push(response.status)
        expect(response.status).toBeLessThan(500)
        const location = response.headers.get('location')
        if (location) expect(new URL(location, app.url).origin).toBe(origin())
      }),
      { numRuns: RUNS },
    )
  })

  it('sends HSTS and the Content-Security-Policy in production, and counted no 5xx at all', async () => {
    const response = await fetch(`${app.url}/`, { redirect: 'manual' })
    expect(response.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains')
    expect(response.headers.get('content-security-policy')).toContain('upgrade-insecure-requests')
    expect(response.headers.get('content-security-policy')).toContain(
      "form-action 'self' https://login.clinai.invalid",
    )
    expect(statuses.length).toBeGreaterThan(RUNS * 4)
    expect(statuses.filter((status) => status >= 500)).toEqual([])
  })
})
