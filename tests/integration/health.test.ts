import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StartedApp } from '#server/main.ts'
import { startTestApp } from '#tests/support/app-server.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'

let testDb: TestDatabase
let app: StartedApp

beforeAll(async () => {
  testDb = await createTestDatabase()
  app = await startTestApp({ DATABASE_URL: testDb.appUrl })
})

afterAll(async () => {
  await app?.close()
  await testDb?.drop()
})

async function setConnectionsAllowed(allowed: boolean) {
  const admin = postgres(testDb.superuserUrl, { max: 1, onnotice: () => {} })
  try {
    await admin.unsafe(`alter database "${testDb.name}" allow_connections ${allowed}`)
    if (!allowed) {
      await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${testDb.name}`
    }
  } finally {
    await admin.end()
  }
}

describe('GET /health', () => {
  it('answers 200 JSON without touching dependencies', async () => {
    const response = await fetch(`${app.url}/health`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/application\/json/)
    expect(await response.json()).toEqual({ status: 'ok' })
    expect(response.headers.get('x-request-id')).toBeTruthy()
  })
})

describe('GET /ready', () => {
  it('answers 200 when the database is reachable', async () => {
    const response = await fetch(`${app.url}/ready`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ status: 'ready', checks: { database: 'ok' } })
  })

  it('answers 503 with a reason while the database is down, and recovers', async () => {
    await setConnectionsAllowed(false)
    try {
      const down = await fetch(`${app.url}/ready`)
      expect(down.status).toBe(503)
      expect(await down.json()).toEqual({
        status: 'unavailable',
        reason: 'database_unreachable',
        checks: { database: 'unreachable' },
      })
      // Liveness does not depend on the database.
      expect((await fetch(`${app.url}/health`)).status).toBe(200)
    } finally {
      await setConnectionsAllowed(true)
    }
    const up = await fetch(`${app.url}/ready`)
    expect(up.status).toBe(200)
  })
})

describe('the home page', () => {
  it('renders the front door on the server (readiness is /ready’s business, not the page’s)', async () => {
    const response = await fetch(`${app.url}/`, { headers: { 'accept-language': 'en' } })
    expect(response.status).toBe(200)
    const html = await response.text()
    expect(html).toMatch(/<h1[^>]*>The AI assistant for your clinic<\/h1>/)
    expect(html).toContain('href="/auth/sign-in?returnTo=%2Fapp"')
    expect(html).not.toContain('database')
  })
})
