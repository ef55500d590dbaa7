// Consultation notes end to end: the draft stream over real HTTP into the app and the Azure
// OpenAI simulator, the legal hold in PostgreSQL, the signature's hash, and the exports' text
// (pdftotext from poppler-utils, the DOCX unzipped).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startAoaiSimulator, type AoaiSimulator } from '#infra/local/aoai-simulator/server.ts'
import { SseDecoder } from '#server/client/sse.ts'
import { createChatRateLimiter } from '#server/limits/rate-limit.ts'
import type { StartedApp } from '#server/main.ts'
import type { DraftEvent } from '#server/notes/events.ts'
import { interruptStaleStreams } from '#server/services/chat/recovery.ts'
import { listNotesForExport, eraseNotesOf } from '#server/services/notes/notes.ts'
import { collectGarbage } from '#tests/support/gc.ts'
import { startTestApp } from '#tests/support/app-server.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { seedTwoClinics, type FixtureUser, type TwoClinics } from '#tests/support/fixtures.ts'
import { expectSqlState } from '#tests/support/pg-error.ts'
import { sessionCookieFor } from '#tests/support/sessions.ts'
import { callerFor } from '#tests/support/caller.ts'

let testDb: TestDatabase
let fixture: TwoClinics
let simulator: AoaiSimulator
let app: StartedApp
let owner: postgres.Sql
let appRole: postgres.Sql

beforeAll(async () => {
  testDb = await createTestDatabase()
  fixture = await seedTwoClinics(testDb.ownerUrl)
  // Paced so that a stop sent at a section's first words arrives long before the section could end.
  simulator = await startAoaiSimulator({ apiKey: 'test-key', tokensPerSecond: 60, firstTokenMs: 20 })
  app = await startTestApp({
    DATABASE_URL: testDb.appUrl,
    AZURE_OPENAI_ENDPOINT: simulator.url,
    AZURE_OPENAI_API_KEY: 'test-key',
    AZURE_OPENAI_DEPLOYMENT: 'gpt-4o-mini',
    CHAT_RATE_LIMIT_PER_MINUTE: '10000',
  })
  app.services.chatRateLimiter = createChatRateLimiter(10_000)
  owner = postgres(testDb.ownerUrl, { max: 2, onnotice: () => {} })
  appRole = postgres(testDb.appUrl, { max: 2, onnotice: () => {} })
})

afterAll(async () => {
  await app?.close()
  await simulator?.close()
  await owner?.end()
  await appRole?.end()
  await testDb?.drop()
})

const caller = (user: FixtureUser) => callerFor(app.services, user)

const HOSTILE = '<img src="https://beacon.test/x.png" onerror="alert(1)"><script>alert(2)</script>'

async function newNote(user: FixtureUser, template: string = 'soap') {
  return caller(user).notes.create({
    patientRef: 'K-17',
    sessionDate: '2026-03-02',
    sessionKind: 'follow_up',
    durationMinutes: 50,
    jottings: `Schlaf besser, Prüfungsangst weniger. ${HOSTILE}`,
    template: template as 'soap',
    locale: 'de',
  })
}

async function draft(
  user: FixtureUser,
  noteId: string,
  body: unknown = {},
  stopAt?: (event: DraftEvent, events: DraftEvent[]) => boolean,
) {
  const abort = new AbortController()
  const response = await fetch(`${app.url}/api/notes/${noteId}/draft`, {
    method: 'POST',
    headers: { cookie: await sessionCookieFor(app.services, user), 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: abort.signal,
  })
  const events: DraftEvent[] = []
  if (!response.headers.get('content-type')?.startsWith('text/event-stream')) {
    return { status: response.status, events, json: (await response.json()) as { error: { code: string } } }
  }
  const decoder = new SseDecoder()
  const reader = response.body!.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      for (const message of done ? decoder.end() : decoder.push(value)) {
        const event = JSON.parse(message.data) as DraftEvent
        events.push(event)
        if (stopAt?.(event, events)) {
          // As in the chat's test: the app must not depend on the request copy's weak signal.
          await collectGarbage()
          abort.abort()
          return { status: response.status, events, json: null }
        }
      }
      if (done) break
    }
  } catch {
    // aborted
  }
  return { status: response.status, events, json: null }
}

async function waitUntilSettled(noteId: string) {
  for (let i = 0; i < 100; i++) {
    const [row] =
      await owner`select count(*)::int as n from note_sections where note_id = ${noteId} and status = 'streaming'`
    if (row!.n === 0) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error('a section is still streaming')
}

describe('drafting', () => {
  it('stores the jottings first, streams every section in order, ends each complete with usage and a version', async () => {
    const note = await newNote(fixture.a1)
    expect(note.sections.map((s) => s.key)).toEqual([
      'subjective',
      'objective',
      'assessment',
      'plan',
      'next_steps',
      'patient_letter',
    ])
    expect(note.sections.map((s) => s.title)[0]).toBe('Subjektiv')
    const [stored] = await owner`select jottings from notes where id = ${note.id}`
    expect(stored!.jottings).toContain('Prüfungsangst')
    const [before] =
      await owner`select coalesce(sum(requests), 0)::int as n from usage where user_id = ${fixture.a1.userId}`

    const { status, events } = await draft(fixture.a1, note.id)
    expect(status).toBe(200)
    const starts = events.filter((e) => e.type === 'section_start').map((e) => e.sectionId)
    expect(starts).toEqual(note.sections.map((s) => s.id))
    expect(events.filter((e) => e.type === 'section_done')).toHaveLength(6)
    expect(events.at(-1)).toEqual({ type: 'done', noteId: note.id, written: 6 })

    const rows =
      await owner`select status, content, version, completion_tokens from note_sections where note_id = ${note.id}`
    for (const row of rows) {
      expect(row.status).toBe('complete')
      expect(row.content.length).toBeGreaterThan(10)
      expect(row.version).toBe(1)
      expect(row.completion_tokens).toBeGreaterThan(0)
    }
    const [after] =
      await owner`select sum(requests)::int as n from usage where user_id = ${fixture.a1.userId}`
    expect(after!.n - before!.n).toBe(6)
    const versions = await owner`select kind from note_versions where note_id = ${note.id}`
    expect(versions.map((v) => v.kind)).toEqual(Array(6).fill('generated'))

    // Everything written: nothing left to draft.
    const again = await draft(fixture.a1, note.id)
    expect([again.status, again.json?.error.code]).toEqual([409, 'nothing_to_draft'])
  })

  it('a stop keeps the section as stopped with its text; the rest stay unwritten; one section is regenerated alone', async () => {
    const note = await newNote(fixture.a1, 'dap')
    const second = note.sections[1]!.id
    await draft(fixture.a1, note.id, {}, (event) => event.type === 'delta' && event.sectionId === second)
    await waitUntilSettled(note.id)
    const rows =
      await owner`select id, status from note_sections where note_id = ${note.id} order by position`
    expect(rows.map((r) => r.status)).toEqual(['complete', 'stopped', 'idle', 'idle', 'idle'])

    const regenerated = await draft(fixture.a1, note.id, { sectionId: second })
    expect(regenerated.events.filter((e) => e.type === 'section_start').map((e) => e.sectionId)).toEqual([
      second,
    ])
    const [row] = await owner`select status, version from note_sections where id = ${second}`
    expect(row).toEqual({ status: 'complete', version: 2 })
  })

  it('a section left streaming by a crash ends interrupted', async () => {
    const note = await newNote(fixture.a1, 'girp')
    const id = note.sections[0]!.id
    await owner`update note_sections set status = 'streaming', content = 'halb', updated_at = now() - interval '1 hour' where id = ${id}`
    expect(await interruptStaleStreams(app.services.db, 30)).toBeGreaterThanOrEqual(1)
    const [row] = await owner`select status, error_code, content from note_sections where id = ${id}`
    expect(row).toEqual({ status: 'error', error_code: 'interrupted', content: 'halb' })
  })

  it("refuses another clinician's and another clinic's note 404, and a bad body 400, before any model call", async () => {
    const note = await newNote(fixture.a1)
    const calls = simulator.requests.length
    for (const user of [fixture.a2, fixture.b1]) {
      const refused = await draft(user, note.id)
      expect([refused.status, refused.json?.error.code]).toEqual([404, 'not_found'])
    }
    const bad = await draft(fixture.a1, note.id, { sectionId: 'x' })
    expect([bad.status, bad.json?.error.code]).toEqual([400, 'invalid_input'])
    expect(simulator.requests.length).toBe(calls)
  })
})

describe('search', () => {
  it("finds the caller's own notes by word form or inside a word, and nobody else's", async () => {
    const note = await newNote(fixture.a1, 'dap')
    const ids = async (user: FixtureUser, query: string) =>
      (await caller(user).notes.search({ query })).map((hit) => hit.id)
    expect(await ids(fixture.a1, 'Prüfungsangst')).toContain(note.id)
    expect(await ids(fixture.a1, 'angst')).toContain(note.id)
    expect(await ids(fixture.a1, 'K-17')).toContain(note.id)
    expect(await ids(fixture.a2, 'Prüfungsangst')).not.toContain(note.id)
    expect(await ids(fixture.b1, 'K-17')).not.toContain(note.id)
    expect(await ids(fixture.a1, "'%_ or 1=1 --")).toEqual([])
  })
})

describe('sign-off and the legal hold', () => {
  it('signs with a hash that verifies, then refuses edit and delete; an amendment keeps the signed version', async () => {
    const note = await newNote(fixture.a1, 'birp')
    await draft(fixture.a1, note.id)
    const api = caller(fixture.a1)
    const edited = await api.notes.updateSection({
      sectionId: note.sections[0]!.id,
      content: 'Von Hand **geändert**',
    })
    expect(edited.version).toBe(2)
    const signed = await api.notes.sign({ noteId: note.id })
    expect(signed.status).toBe('signed')
    expect(signed.signedHash).toMatch(/^[0-9a-f]{64}$/)
    expect(signed.integrity).toBe('valid')
    expect(signed.retainUntil! >= '2036-01-01').toBe(true)
    const [audit] = await owner`select action, target_id from audit_events where target_id = ${note.id}`
    expect(audit).toEqual({ action: 'note.signed', target_id: note.id })

    await expect(api.notes.updateSection({ sectionId: note.sections[0]!.id, content: 'x' })).rejects.toThrow(
      'note_signed',
    )
    await expect(api.notes.delete({ noteId: note.id })).rejects.toThrow('note_signed')
    const redraft = await draft(fixture.a1, note.id, { sectionId: note.sections[0]!.id })
    expect([redraft.status, redraft.json?.error.code]).toEqual([409, 'note_signed'])

    const amended = await api.notes.amend({
      sectionId: note.sections[1]!.id,
      content: 'Korrigiert',
      reason: 'Tippfehler',
    })
    expect(amended.integrity).toBe('valid')
    expect(amended.amendedAt).not.toBeNull()
    const history = await api.notes.history({ noteId: note.id })
    expect(history.map((v) => v.kind).slice(0, 2)).toEqual(['amendment', 'signed'])
    expect(history[0]!.reason).toBe('Tippfehler')
    expect(history[1]!.content).toContain('Von Hand **geändert**')

    // Changed behind the app's back (the owner connection): the hash no longer verifies.
    await owner`update note_sections set content = content || '!' where id = ${note.sections[2]!.id}`
    expect((await api.notes.get({ noteId: note.id })).integrity).toBe('altered')
  })

  it('the database itself refuses the app role to delete or rewrite a signed note', async () => {
    const [signed] =
      await owner`select id from notes where owner_user_id = ${fixture.a2.userId} and signed_at is not null limit 1`
    const ctx = { tenantId: fixture.a2.tenantId, userId: fixture.a2.userId, role: 'therapist' as const }
    const asApp = <T>(
      work: (tx: Parameters<Parameters<typeof app.services.db.withTenant>[1]>[0]) => Promise<T>,
    ) => app.services.db.withTenant(ctx, work)
    const { sql } = await import('drizzle-orm')
    for (const statement of [
      sql`delete from notes where id = ${signed!.id}`,
      sql`update notes set patient_ref = 'x' where id = ${signed!.id}`,
      sql`update note_sections set content = 'x' where note_id = ${signed!.id}`,
      sql`delete from note_sections where note_id = ${signed!.id}`,
      sql`delete from note_versions where note_id = ${signed!.id}`,
      sql`update note_versions set content = 'x' where note_id = ${signed!.id}`,
    ]) {
      expect(await expectSqlState(() => asApp((tx) => tx.execute(statement)))).toBe('CN001')
    }
    const [still] = await owner`select count(*)::int as n from notes where id = ${signed!.id}`
    expect(still!.n).toBe(1)
  })

  it('erasure deletes drafts and restricts signed notes (hidden, kept until the period ends)', async () => {
    const user = fixture.b1
    const owned = { tenantId: user.tenantId, userId: user.userId }
    const ctx = { ...owned, role: 'system' as const }
    const before = await app.services.db.withTenant(ctx, (tx) => listNotesForExport(tx, owned))
    expect(before.length).toBe(3)
    const receipt = await app.services.db.withTenant(ctx, (tx) => eraseNotesOf(tx, owned))
    expect(receipt).toEqual({ draftsDeleted: 2, signedRestricted: 1, keptUntil: '2036-03-02' })
    const after = await app.services.db.withTenant(ctx, (tx) => listNotesForExport(tx, owned))
    expect(after).toEqual([])
    const [kept] =
      await owner`select count(*)::int as n from notes where owner_user_id = ${user.userId} and restricted_at is not null`
    expect(kept!.n).toBe(1)
  })
})

describe('exports', () => {
  it('PDF and DOCX hold every section as plain text, and hostile text stays text', async () => {
    const note = await newNote(fixture.a1)
    await draft(fixture.a1, note.id)
    const api = caller(fixture.a1)
    await api.notes.updateSection({ sectionId: note.sections[0]!.id, content: `**Fett** ${HOSTILE}` })
    const cookie = await sessionCookieFor(app.services, fixture.a1)
    const stored = await api.notes.get({ noteId: note.id })
    const dir = mkdtempSync(join(tmpdir(), 'note-export-'))
    try {
      const get = async (kind: string) => {
        const response = await fetch(`${app.url}/app/notes/${note.id}/export/${kind}`, {
          headers: { cookie },
        })
        expect(response.status).toBe(200)
        return Buffer.from(await response.arrayBuffer())
      }
      writeFileSync(join(dir, 'n.pdf'), await get('pdf'))
      writeFileSync(join(dir, 'n.docx'), await get('docx'))
      const pdfText = execFileSync('pdftotext', ['-layout', join(dir, 'n.pdf'), '-']).toString()
      const docxXml = execFileSync('unzip', ['-p', join(dir, 'n.docx'), 'word/document.xml']).toString()
      const docxText = docxXml
        .replace(/<[^>]+>/g, ' ')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&')
      const squash = (text: string) => text.replace(/\s+/g, ' ')
      for (const text of [squash(pdfText), squash(docxText)]) {
        expect(text).toContain('Clinic A')
        expect(text).toContain('K-17')
        for (const section of stored.sections) {
          expect(text).toContain(section.title)
          const firstWords = section.content
            .replace(/[*#`_]/g, '')
            .split(/\s+/)
            .filter(Boolean)
            .slice(0, 3)
            .join(' ')
          expect(text).toContain(firstWords)
        }
        expect(text).toContain('Fett')
        expect(text).not.toContain('**')
        expect(text).toContain('<script>alert(2)</script>')
      }
      const markdown = (await get('md')).toString()
      expect(markdown).toContain('## Subjektiv')
      // No procedure or export opens a link: a PDF with no URI action, so no beacon is ever requested.
      expect((await get('pdf')).toString('latin1')).not.toMatch(/\/URI|\/JavaScript|\/Launch/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
    const other = await fetch(`${app.url}/app/notes/${note.id}/export/pdf`, {
      headers: { cookie: await sessionCookieFor(app.services, fixture.b1) },
    })
    expect(other.status).toBe(404)
  })
})
