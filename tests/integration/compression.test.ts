// Serving fast: pages, scripts, styles and JSON compressed (brotli or gzip), the
// chat's event stream never (it must arrive as it is written), fingerprinted
// assets cached for good, and a favicon.
import http from 'node:http'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startAoaiSimulator, type AoaiSimulator } from '#infra/local/aoai-simulator/server.ts'
import type { StartedApp } from '#server/main.ts'
import { startTestApp } from '#tests/support/app-server.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { seedTwoClinics, type TwoClinics } from '#tests/support/fixtures.ts'
import { sessionCookieFor } from '#tests/support/sessions.ts'

let testDb: TestDatabase
let fixture: TwoClinics
let simulator: AoaiSimulator
let app: StartedApp
let cookie: string

beforeAll(async () => {
  testDb = await createTestDatabase()
  fixture = await seedTwoClinics(testDb.ownerUrl)
  simulator = await startAoaiSimulator({ apiKey: 'test-key', tokensPerSecond: 40, firstTokenMs: 20 })
  app = await startTestApp({
    DATABASE_URL: testDb.appUrl,
    AZURE_OPENAI_ENDPOINT: simulator.url,
    AZURE_OPENAI_API_KEY: 'test-key',
  })
  cookie = await sessionCookieFor(app.services, fixture.a1)
})

afterAll(async () => {
  await app?.close()
  await simulator?.close()
  await testDb?.drop()
})

interface RawResponse {
  status: number
  headers: http.IncomingHttpHeaders
  /** The bytes on the wire, before any decoding. */
  body: Buffer
}

/** A request through node:http, which (unlike fetch) leaves the body encoded. */
function raw(path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    http
      .get(`${app.url}${path}`, { headers: { cookie, ...headers } }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
        )
      })
      .on('error', reject)
  })
}

async function workspaceScripts(): Promise<string[]> {
  const page = await raw('/app')
  expect(page.status).toBe(200)
  return [...page.body.toString('utf8').matchAll(/(?:src|href)="(\/build\/[^"]+\.js)"/g)].map((m) => m[1]!)
}

describe('compression', () => {
  it('sends the workspace page as brotli when the browser accepts it, gzip otherwise', async () => {
    const plain = await raw('/app', { 'accept-encoding': 'identity' })
    const brotli = await raw('/app', { 'accept-encoding': 'gzip, deflate, br' })
    const gzip = await raw('/app', { 'accept-encoding': 'gzip' })
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(brotli.headers['content-encoding']).toBe('br')
    expect(gzip.headers['content-encoding']).toBe('gzip')
    expect(brotli.headers.vary).toMatch(/accept-encoding/i)
    expect(brotli.body.length).toBeLessThan(plain.body.length / 2)
  })

  it('compresses the scripts and styles and caches fingerprinted assets for a year', async () => {
    const scripts = await workspaceScripts()
    expect(scripts.length).toBeGreaterThan(2)
    for (const script of scripts) {
      const response = await raw(script, { 'accept-encoding': 'br' })
      expect(response.status, script).toBe(200)
      expect(response.headers['cache-control'], script).toBe('public, max-age=31536000, immutable')
      if (
        Number(response.headers['content-length'] ?? response.body.length) >= 1024 ||
        response.headers['content-encoding']
      ) {
        expect(response.headers['content-encoding'], script).toBe('br')
      }
    }
    const css = (await raw('/app')).body.toString('utf8').match(/href="(\/build\/[^"]+\.css)"/)![1]!
    expect((await raw(css, { 'accept-encoding': 'gzip' })).headers['content-encoding']).toBe('gzip')
  })

  it('compresses JSON from the API', async () => {
    const response = await raw('/api/trpc/conversations.list?input=%7B%22limit%22%3A50%7D', {
      'accept-encoding': 'br',
    })
    expect(response.status).toBe(200)
    expect(response.headers['content-type']).toMatch(/application\/json/)
    // Small answers (under 1 KiB) are not worth compressing.
    if (response.body.length >= 1024) expect(response.headers['content-encoding']).toBe('br')
  })

  it('never compresses or holds back the chat stream', async () => {
    const owner = postgres(testDb.ownerUrl, { max: 1, onnotice: () => {} })
    const [{ id }] = await owner<[{ id: string }]>`
      insert into conversations (tenant_id, owner_user_id, title)
      values (${fixture.a1.tenantId}, ${fixture.a1.userId}, 'Stream') returning id`
    await owner.end()
    const started = Date.now()
    const arrivals: number[] = []
    const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const request = http.request(`${app.url}/api/chat/${id}`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', 'accept-encoding': 'gzip, deflate, br' },
      })
      request.on('response', resolve).on('error', reject)
      request.end(
        JSON.stringify({ content: 'Wie beginne ich eine erste Sitzung mit einer neuen Patientin?' }),
      )
    })
    expect(response.headers['content-type']).toMatch(/^text\/event-stream/)
    expect(response.headers['content-encoding']).toBeUndefined()
    let text = ''
    for await (const chunk of response) {
      text += chunk.toString()
      arrivals.push(Date.now() - started)
    }
    expect(text).toContain('event: done')
    // At 40 tokens a second the answer takes a while; its pieces arrive spread over that time.
    expect(arrivals.length).toBeGreaterThan(5)
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThan(300)
  })
})

describe('the favicon', () => {
  it('is served as SVG (linked from every page) and as /favicon.ico for browsers that ask', async () => {
    const svg = await raw('/favicon.svg')
    expect(svg.status).toBe(200)
    expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/)
    const ico = await raw('/favicon.ico')
    expect(ico.status).toBe(200)
    expect(ico.headers['content-type']).toMatch(/^image\/(x-icon|vnd\.microsoft\.icon)/)
    expect(ico.body.subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0]))
  })
})
