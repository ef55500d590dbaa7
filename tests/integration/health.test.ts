import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StartedApp } from '#server/main.ts'
import { startTestApp } from '#tests/support/app-server.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { storageEnv } from '#tests/support/storage.ts'

let testDb: TestDatabase
let app: StartedApp

beforeAll(async () => {
  testDb = await createTestDatabase()
  app = await startTestApp({ DATABASE_URL: testDb.appUrl, ...storageEnv(testDb) })
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
  it('answers 200 with the database, the job queue and Blob each named, and nothing else', async () => {
    const response = await fetch(`${app.url}/ready`)
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    const body = await response.text()
    expect(JSON.parse(body)).toEqual({ status: 'ready', checks: { database: 'ok', jobs: 'ok', blob: 'ok' } })
    // No host, account, key or password reaches the answer.
    for (const secret of [
      'localhost',
      '127.0.0.1',
      'devstoreaccount1',
      'AccountKey',
      'test-app',
      testDb.name,
    ])
      expect(body).not.toContain(secret)
  })

  it('answers 503 naming the database while it is down, quickly, and recovers', async () => {
    await setConnectionsAllowed(false)
    try {
      const began = performance.now()
      const down = await fetch(`${app.url}/ready`)
      expect(performance.now() - began).toBeLessThan(2500)
      expect(down.status).toBe(503)
      expect(down.headers.get('retry-after')).toBe('5')
      expect(await down.json()).toEqual({
        status: 'unavailable',
        checks: { database: 'unreachable', jobs: 'unreachable', blob: 'ok' },
      })
      // Liveness does not depend on the database.
      expect((await fetch(`${app.url}/health`)).status).toBe(200)
    } finally {
      await setConnectionsAllowed(true)
    }
    const up = await fetch(`${app.url}/ready`)
    expect(up.status).toBe(200)
  })

  it('answers 200 degraded when only Blob is unreachable', async () => {
    const noBlob = await startTestApp({
      DATABASE_URL: testDb.appUrl,
      // Nothing listens on port 9 (discard): the account cannot be reached.
      AZURE_STORAGE_CONNECTION_STRING:
        'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=' +
        Buffer.from('not-a-real-key').toString('base64') +
        ';BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;',
    })
    try {
      const response = await fetch(`${noBlob.url}/ready`)
      expect(response.status).toBe(200)
      expect(await response.json()).toEqual({
        status: 'degraded',
        checks: { database: 'ok', jobs: 'ok', blob: 'unreachable' },
      })
    } finally {
      await noBlob.close()
    }
  })

  it('answers 503 naming the job queue once the runner has stopped', async () => {
    const stopping = await startTestApp({ DATABASE_URL: testDb.appUrl })
    await stopping.close()
    const report = await stopping.services.readiness.check()
    expect(report).toEqual({
      status: 'unavailable',
      checks: { database: 'unreachable', jobs: 'stopped', blob: 'not_configured' },
    })
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
