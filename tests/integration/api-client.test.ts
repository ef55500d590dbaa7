// The typed client for scripts (server/client) and its example, the Markdown
// export, run as a real child process against the real HTTP app.
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest'
import {
  ClinaiClientError,
  createClinaiClient,
  errorCode,
  TRPCClientError,
  type ClinaiClient,
} from '#server/client/index.ts'
import type { StartedApp } from '#server/main.ts'
import { startTestApp } from '#tests/support/app-server.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { seedTwoClinics, type FixtureUser, type TwoClinics } from '#tests/support/fixtures.ts'
import { sessionCookieFor } from '#tests/support/sessions.ts'
import { trpcCall } from '#tests/support/trpc-http.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const EXAMPLE = path.join(ROOT, 'server', 'client', 'examples', 'export-conversation.ts')
/** Well-formed, but no clinic issued it. */
const UNKNOWN_TOKEN = `clinai_pat_${'0'.repeat(32)}_${'A'.repeat(43)}`
const MESSAGE_COUNT = 130 // more than one page (100) of messages
const EXTRA_CONVERSATIONS = 101 // with the fixture's and the exported one, more than one page of the list

let testDb: TestDatabase
let app: StartedApp
let fixture: TwoClinics
let owner: postgres.Sql
let token: string
let exported: { id: string; title: string }
let tmp: string

beforeAll(async () => {
  testDb = await createTestDatabase()
  fixture = await seedTwoClinics(testDb.ownerUrl)
  app = await startTestApp({ DATABASE_URL: testDb.appUrl })
  owner = postgres(testDb.ownerUrl, { max: 1, onnotice: () => {} })
  tmp = await mkdtemp(path.join(os.tmpdir(), 'clinai-export-'))
  token = await newToken(fixture.a1)

  // Through the client, as a script would; the messages are written as the chat would leave them.
  exported = await createClinaiClient({ baseUrl: app.url, token }).conversations.create.mutate({
    title: 'Intake *notes* #1',
  })
  await owner`
    insert into messages (tenant_id, conversation_id, owner_user_id, role, content, status, error_code, created_at)
    select ${fixture.a1.tenantId}, ${exported.id}, ${fixture.a1.userId},
           (case when i % 2 = 0 then 'user' else 'assistant' end)::message_role,
           case when i = 127 then ''
                when i % 2 = 0 then 'Question ' || lpad(i::text, 3, '0')
                else 'Answer ' || lpad(i::text, 3, '0') || ' with **emphasis**' end,
           (case when i = 127 then 'error' when i = 129 then 'stopped' else 'complete' end)::message_status,
           case when i = 127 then 'interrupted' end,
           timestamptz '2026-03-01 09:00:00+00' + i * interval '1 second'
    from generate_series(0, ${MESSAGE_COUNT - 1}) as i`
  await owner`update conversations set last_message_at = '2026-03-01 10:00:00+00' where id = ${exported.id}`
  await owner`update conversations set last_message_at = '2026-02-01 10:00:00+00'
              where id = ${fixture.content.a1.conversationId}`
  await owner`
    insert into conversations (tenant_id, owner_user_id, title, last_message_at)
    select ${fixture.a1.tenantId}, ${fixture.a1.userId}, 'Older ' || i,
           timestamptz '2026-01-01 00:00:00+00' + i * interval '1 minute'
    from generate_series(1, ${EXTRA_CONVERSATIONS}) as i`
})

afterAll(async () => {
  await app?.close()
  await owner?.end()
  await testDb?.drop()
  if (tmp) await rm(tmp, { recursive: true, force: true })
})

async function newToken(user: FixtureUser): Promise<string> {
  const cookie = await sessionCookieFor(app.services, user)
  const created = await trpcCall<{ token: string }>(
    app.url,
    'mutation',
    'tokens.create',
    { name: 'export script' },
    { cookie },
  )
  expect(created.status).toBe(200)
  return created.data!.token
}

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs the example as a user would: its own Node process with the tsx loader, settings in the environment. */
function runExport(args: string[], settings: { CLINAI_URL?: string; CLINAI_TOKEN?: string }): Promise<Run> {
  const env = { ...process.env }
  delete env.CLINAI_URL
  delete env.CLINAI_TOKEN
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', EXAMPLE, ...args], {
      cwd: ROOT,
      env: { ...env, ...settings },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 25_000,
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, stdout, stderr }))
  })
}

describe('the export example, run as a script', () => {
  it('exports the newest conversation as Markdown, every message in order across pages', async () => {
    const run = await runExport([], { CLINAI_URL: app.url, CLINAI_TOKEN: token })
    expect(run.stderr).not.toMatch(/error|failed/i)
    expect(run.code).toBe(0)

    // The list on stderr was paged through: more conversations than one page holds.
    expect(run.stderr).toContain(`You have ${EXTRA_CONVERSATIONS + 2} conversations:`)
    expect(run.stderr).toContain(`… and ${EXTRA_CONVERSATIONS + 2 - 10} older`)
    expect(run.stderr.split('\n')[1]).toContain(exported.id)

    const markdown = run.stdout
    expect(markdown.startsWith('# Intake \\*notes\\* \\#1\n\n')).toBe(true)
    expect(markdown).toContain(`_${MESSAGE_COUNT} messages · started `)
    expect(markdown.match(/^## You · /gm)).toHaveLength(MESSAGE_COUNT / 2)
    expect(markdown.match(/^## Assistant · /gm)).toHaveLength(MESSAGE_COUNT / 2)
    expect(markdown).toContain('## You · 2026-03-01 09:00:00 UTC\n\nQuestion 000\n')
    expect(markdown).toContain('## Assistant · 2026-03-01 09:00:01 UTC\n\nAnswer 001 with **emphasis**\n')

    const texts = [...markdown.matchAll(/^(Question|Answer) (\d{3})/gm)].map((match) => Number(match[2]))
    const expected = Array.from({ length: MESSAGE_COUNT }, (_, i) => i).filter((i) => i !== 127)
    expect(texts).toEqual(expected)

    expect(markdown).toContain(
      '## Assistant · 2026-03-01 09:02:07 UTC\n\n_(the answer failed: interrupted)_\n',
    )
    expect(
      markdown.trimEnd().endsWith('Answer 129 with **emphasis**\n\n_(stopped before it was complete)_'),
    ).toBe(true)
  })

  it('exports the conversation it is given into the --out file', async () => {
    const out = path.join(tmp, 'conversation.md')
    const run = await runExport([fixture.content.a1.conversationId, '--out', out], {
      CLINAI_URL: app.url,
      CLINAI_TOKEN: token,
    })
    expect(run.code).toBe(0)
    expect(run.stdout).toBe('')
    expect(run.stderr).toContain(`Wrote ${out}.`)
    const markdown = await readFile(out, 'utf8')
    expect(markdown).toMatch(/^# Conversation a1\n\n_1 message · /)
    expect(markdown).toMatch(/\n## You · \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC\n\nMessage of a1\n$/)
  })

  it('stops with a readable message and exit code 2 when CLINAI_TOKEN is missing', async () => {
    const run = await runExport([], { CLINAI_URL: app.url })
    expect(run.code).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toContain('CLINAI_TOKEN is not set.')
  })

  it('stops with exit code 3 when the server refuses the token (401), without echoing it', async () => {
    const run = await runExport([], { CLINAI_URL: app.url, CLINAI_TOKEN: UNKNOWN_TOKEN })
    expect(run.code).toBe(3)
    expect(run.stdout).toBe('')
    expect(run.stderr).toContain(`ClinAI at ${app.url} refused CLINAI_TOKEN (401)`)
    expect(run.stderr).not.toContain(UNKNOWN_TOKEN)
  })

  it("stops with exit code 4 for an unknown conversation, another person's or another clinic's", async () => {
    const foreign = [
      '3f0c2a4e-8b1d-4c6a-9e2f-7a5b8c9d0e1f',
      fixture.content.a2.conversationId,
      fixture.content.b1.conversationId,
    ]
    for (const conversationId of foreign) {
      const run = await runExport([conversationId], { CLINAI_URL: app.url, CLINAI_TOKEN: token })
      expect(run.code, conversationId).toBe(4)
      expect(run.stdout).toBe('')
      expect(run.stderr).toContain('No such conversation among yours (404)')
    }
  })

  it('refuses a malformed conversation id before calling the server', async () => {
    const run = await runExport(['not-an-id'], { CLINAI_URL: app.url, CLINAI_TOKEN: token })
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('"not-an-id" is not a conversation id (a UUID).')
  })
})

describe('createClinaiClient', () => {
  let client: ClinaiClient
  beforeAll(() => {
    client = createClinaiClient({ baseUrl: app.url, token })
  })

  it('makes typed calls as the token owner, batching queries into one request', async () => {
    const requests: Array<{ url: string; authorization: string | null }> = []
    const recording = createClinaiClient({
      baseUrl: `${app.url}/`,
      token,
      fetch: (input, init) => {
        requests.push({
          url: String(input),
          authorization: new Headers(init?.headers).get('authorization'),
        })
        return fetch(input, init)
      },
    })
    const [me, folders, page] = await Promise.all([
      recording.me.get.query(),
      recording.folders.list.query(),
      recording.conversations.list.query({ limit: 5 }),
    ])
    expectTypeOf(me.user.id).toEqualTypeOf<string>()
    expectTypeOf(page.nextCursor).toEqualTypeOf<string | null>()
    expect(me.user.id).toBe(fixture.a1.userId)
    expect(me.clinic.id).toBe(fixture.clinicA.tenantId)
    expect(folders.map((folder) => folder.id)).toEqual([fixture.content.a1.folderId])
    expect(page.items).toHaveLength(5)
    expect(page.items.slice(0, 2).map((item) => item.id)).toEqual([
      exported.id,
      fixture.content.a1.conversationId,
    ])
    expect(page.items[0]!.lastMessageAt).toBe('2026-03-01T10:00:00.000Z')

    expect(requests).toHaveLength(1)
    expect(requests[0]!.url).toContain(`${app.url}/api/trpc/me.get,folders.list,conversations.list?batch=1`)
    expect(requests[0]!.authorization).toBe(`Bearer ${token}`)
  })

  it('splits more calls than the server takes in one batch into several requests', async () => {
    const urls: string[] = []
    const recording = createClinaiClient({
      baseUrl: app.url,
      token,
      fetch: (input, init) => {
        urls.push(String(input))
        return fetch(input, init)
      },
    })
    const results = await Promise.all(Array.from({ length: 30 }, () => recording.me.usage.query()))
    expect(results).toHaveLength(30)
    // The server refuses batches of more than 25 calls (tests/security/hardening.test.ts).
    expect(urls).toHaveLength(2)
    expect(urls.map((url) => new URL(url).pathname.split(',').length).sort()).toEqual([25, 5])
  })

  it('pages messages back with the cursor conversations.get hands out', async () => {
    const first = await client.conversations.get.query({ conversationId: exported.id, messageLimit: 100 })
    expect(first.title).toBe('Intake *notes* #1')
    expect(first.messages.items).toHaveLength(100)
    expect(first.messages.items[0]!.content).toBe('Question 030')
    const older = await client.messages.list.query({
      conversationId: exported.id,
      cursor: first.messages.nextCursor,
      limit: 100,
    })
    expect(older.items.map((message) => message.content).slice(0, 2)).toEqual([
      'Question 000',
      'Answer 001 with **emphasis**',
    ])
    expect([older.items.length, older.hasMore, older.nextCursor]).toEqual([30, false, null])
  })

  it('reports a refused token as UNAUTHORIZED', async () => {
    const stranger = createClinaiClient({ baseUrl: app.url, token: UNKNOWN_TOKEN })
    const error = await stranger.me.get.query().catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(TRPCClientError)
    expect(errorCode(error)).toBe('UNAUTHORIZED')
    expect((error as TRPCClientError<never>).data).toMatchObject({ httpStatus: 401 })
  })

  it("reports another clinic's or another person's conversation as NOT_FOUND", async () => {
    for (const conversationId of [fixture.content.b1.conversationId, fixture.content.a2.conversationId]) {
      const get = await client.conversations.get.query({ conversationId }).catch((caught: unknown) => caught)
      expect(errorCode(get), conversationId).toBe('NOT_FOUND')
      expect((get as Error).message).toBe('conversation_not_found')
      const list = await client.messages.list.query({ conversationId }).catch((caught: unknown) => caught)
      expect(errorCode(list), conversationId).toBe('NOT_FOUND')
    }
  })

  it('refuses bad options with a clear error that never repeats the token', () => {
    const refusals: Array<[unknown, ClinaiClientError['option'], RegExp]> = [
      [{ baseUrl: '', token }, 'baseUrl', /baseUrl is required/],
      [{ baseUrl: 'localhost:3000', token }, 'baseUrl', /must start with http:\/\/ or https:\/\//],
      [{ baseUrl: 'ftp://clinai.example.org', token }, 'baseUrl', /not ftp:\/\//],
      [{ baseUrl: 'http://', token }, 'baseUrl', /is not a URL/],
      [{ baseUrl: 'https://user:secret@clinai.example.org', token }, 'baseUrl', /user name or password/],
      [{ baseUrl: 'https://clinai.example.org/?x=1', token }, 'baseUrl', /query/],
      [{ baseUrl: app.url }, 'token', /token is required/],
      [{ baseUrl: app.url, token: '   ' }, 'token', /token is required/],
      [{ baseUrl: app.url, token: `Bearer ${token}` }, 'token', /without "Bearer "/],
      [
        { baseUrl: app.url, token: token.slice(0, -1) },
        'token',
        /does not look like a ClinAI personal access token/,
      ],
      [{ baseUrl: app.url, token: token.replace('clinai_pat_', 'pat_') }, 'token', /does not look like/],
      [{ baseUrl: app.url, token, fetch: 'no' }, 'fetch', /must be a function/],
    ]
    for (const [options, option, message] of refusals) {
      let caught: unknown
      try {
        createClinaiClient(options as Parameters<typeof createClinaiClient>[0])
      } catch (error) {
        caught = error
      }
      expect(caught, JSON.stringify(options)).toBeInstanceOf(ClinaiClientError)
      expect((caught as ClinaiClientError).option).toBe(option)
      expect((caught as Error).message).toMatch(message)
      expect((caught as Error).message).not.toContain(token.slice(-43, -1))
    }
  })
})
