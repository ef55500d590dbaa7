// The server speaks in codes (server/contract/codes.ts), never in sentences meant for
// people: chat refusals, chat error events and tRPC errors carry codes the browser
// words in the reader's language. A response body with an English sentence fails here.
import { randomUUID } from 'node:crypto'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startAoaiSimulator, type AoaiSimulator } from '#infra/local/aoai-simulator/server.ts'
import {
  API_ERROR_CODES,
  CHAT_ERROR_CODES,
  CHAT_INPUT_PROBLEMS,
  CHAT_REFUSAL_CODES,
  VALIDATION_CODES,
} from '#server/contract/codes.ts'
import type { StartedApp } from '#server/main.ts'
import { startTestApp } from '#tests/support/app-server.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { seedTwoClinics, type FixtureUser, type TwoClinics } from '#tests/support/fixtures.ts'
import { sessionCookieFor } from '#tests/support/sessions.ts'

let testDb: TestDatabase
let fixture: TwoClinics
let simulator: AoaiSimulator
let app: StartedApp
let owner: postgres.Sql

beforeAll(async () => {
  testDb = await createTestDatabase()
  fixture = await seedTwoClinics(testDb.ownerUrl)
  simulator = await startAoaiSimulator({ apiKey: 'test-key', tokensPerSecond: 400, firstTokenMs: 10 })
  app = await startTestApp({
    DATABASE_URL: testDb.appUrl,
    AZURE_OPENAI_ENDPOINT: simulator.url,
    AZURE_OPENAI_API_KEY: 'test-key',
    LLM_MAX_RETRIES: '0',
    CHAT_RATE_LIMIT_PER_MINUTE: '10000',
  })
  owner = postgres(testDb.ownerUrl, { max: 2, onnotice: () => {} })
})

afterAll(async () => {
  await app?.close()
  await simulator?.close()
  await owner?.end()
  await testDb?.drop()
})

const known = new Set<string>([
  ...CHAT_REFUSAL_CODES,
  ...CHAT_INPUT_PROBLEMS,
  ...CHAT_ERROR_CODES,
  ...API_ERROR_CODES,
  ...VALIDATION_CODES,
])
/** Two or more words with a space between: a sentence, not a code. */
const sentence = /[A-Za-zÄÖÜäöüß]+[ ,;:.!?]+[A-Za-zÄÖÜäöüß]+/

/** Every `message`, `code` and `reason` in a body is a code of the contract, and nothing reads as prose. */
function expectCodesOnly(body: unknown, where: string) {
  const walk = (value: unknown, key: string) => {
    if (typeof value === 'string') {
      if (['message', 'reason'].includes(key)) expect(known, `${where}: ${key} "${value}"`).toContain(value)
      if (!['stack', 'path'].includes(key)) expect(value, `${where}: ${key}`).not.toMatch(sentence)
    } else if (Array.isArray(value)) value.forEach((item) => walk(item, key))
    else if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) walk(v, /^\d+$/.test(k) ? key : k)
  }
  walk(body, '')
}

async function cookie(user: FixtureUser) {
  return sessionCookieFor(app.services, user)
}

async function newConversation(user: FixtureUser): Promise<string> {
  const [row] = await owner<Array<{ id: string }>>`
    insert into conversations (tenant_id, owner_user_id, title)
    values (${user.tenantId}, ${user.userId}, 'Codes') returning id`
  return row!.id
}

async function chatBody(headers: Record<string, string>, id: string, body: string) {
  const response = await fetch(`${app.url}/api/chat/${id}`, { method: 'POST', headers, body })
  return { status: response.status, text: await response.text() }
}

describe('chat refusals', () => {
  it('carry a code (and a reason), never a sentence', async () => {
    const own = await newConversation(fixture.a1)
    const foreign = await newConversation(fixture.b1)
    const json = { cookie: await cookie(fixture.a1), 'content-type': 'application/json' }
    const cases: Array<[Record<string, string>, string, string]> = [
      [json, own, JSON.stringify({ content: '' })],
      [json, own, JSON.stringify({ content: 'x'.repeat(16_001) })],
      [json, own, '{not json'],
      [json, own, JSON.stringify({ whatever: 1 })],
      [{ ...json, 'content-type': 'text/plain' }, own, 'hello'],
      [json, foreign, JSON.stringify({ content: 'Hallo' })],
      [json, 'not-a-uuid', JSON.stringify({ content: 'Hallo' })],
      [{ 'content-type': 'application/json' }, own, JSON.stringify({ content: 'Hallo' })],
      [{ 'content-type': 'application/json', authorization: 'Bearer nope' }, own, '{}'],
      [json, own, JSON.stringify({ regenerate: true })],
      // A cookie-carrying write from another site.
      [{ ...json, origin: 'https://evil.example' }, own, JSON.stringify({ content: 'Hallo' })],
    ]
    const seen = new Set<number>()
    for (const [headers, id, body] of cases) {
      const result = await chatBody(headers, id, body)
      expect(result.status).toBeGreaterThanOrEqual(400)
      seen.add(result.status)
      const parsed = JSON.parse(result.text) as { error: { code: string; message: string } }
      expect(parsed.error.message).toBe(parsed.error.code)
      expectCodesOnly(parsed, `chat ${result.status} ${body.slice(0, 40)}`)
    }
    expect([...seen].sort()).toEqual([400, 401, 403, 404, 409])
  })

  it('a failed answer ends with an error event whose message is its code', async () => {
    const id = await newConversation(fixture.a1)
    const headers = { cookie: await cookie(fixture.a1), 'content-type': 'application/json' }
    const result = await chatBody(headers, id, JSON.stringify({ content: 'Frage [[sim:prompt_filter]]' }))
    expect(result.status).toBe(200)
    const events = result.text
      .split('\n\n')
      .map((frame) => frame.split('\n').find((line) => line.startsWith('data: ')))
      .filter((line): line is string => line !== undefined)
      .map((line) => JSON.parse(line.slice(6)) as { type: string; code?: string; message?: string })
    const last = events.at(-1)!
    expect(last).toMatchObject({ type: 'error', code: 'content_filter', message: 'content_filter' })
    expectCodesOnly(last, 'chat error event')
  })
})

describe('tRPC errors', () => {
  async function trpc(user: FixtureUser | null, method: 'GET' | 'POST', path: string, input?: unknown) {
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (user) headers.cookie = await cookie(user)
    const url =
      method === 'GET'
        ? `${app.url}/api/trpc/${path}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`}`
        : `${app.url}/api/trpc/${path}`
    const response = await fetch(url, {
      method,
      headers,
      body: method === 'POST' ? JSON.stringify(input ?? {}) : undefined,
    })
    return { status: response.status, body: (await response.json()) as { error?: unknown } }
  }

  it('carry a code as the message, with field paths and validation codes for bad input', async () => {
    const cases = [
      await trpc(null, 'GET', 'me.get'),
      await trpc(fixture.a1, 'GET', 'admin.settings.get'),
      await trpc(fixture.a1, 'GET', 'conversations.get', { conversationId: randomUUID() }),
      await trpc(fixture.a1, 'POST', 'folders.rename', { folderId: randomUUID(), name: 'x' }),
      await trpc(fixture.a1, 'POST', 'folders.create', { name: '   ' }),
      await trpc(fixture.a1, 'POST', 'tokens.create', { name: 'a\u0007b', expiresInDays: 9999 }),
      await trpc(fixture.a1, 'POST', 'me.updatePreferences', { locale: 'fr' }),
      await trpc(fixture.aAdmin, 'POST', 'admin.settings.update', { defaultLocale: 'xx', retentionDays: 0 }),
      await trpc(fixture.a1, 'GET', 'no.such.procedure'),
      await trpc(fixture.a1, 'GET', 'folders.create'),
    ]
    for (const { status, body } of cases) {
      expect(status).toBeGreaterThanOrEqual(400)
      expect(body.error, JSON.stringify(body)).toBeDefined()
      expectCodesOnly(body, `tRPC ${status}`)
    }
    const [unauth, forbidden, missing, missingFolder, blank, badToken, badLocale, badSettings] = cases.map(
      (c) => c.body.error as { message: string; data: Record<string, unknown> },
    )
    expect(unauth!.message).toBe('unauthenticated')
    expect(forbidden!.message).toBe('forbidden')
    expect(missing!.message).toBe('conversation_not_found')
    expect(missingFolder!.message).toBe('folder_not_found')
    expect(blank).toMatchObject({ message: 'invalid_input', data: { fieldErrors: { name: ['required'] } } })
    expect(badToken).toMatchObject({
      message: 'invalid_input',
      data: { fieldErrors: { name: ['control_characters'], expiresInDays: ['too_big'] } },
    })
    expect(badLocale).toMatchObject({ data: { fieldErrors: { locale: ['invalid_value'] } } })
    expect(badSettings).toMatchObject({
      data: { fieldErrors: { defaultLocale: ['invalid_value'], retentionDays: ['too_small'] } },
    })
  })
})
