// The data lifecycle end to end on real PostgreSQL, real Azurite and the real job queue
// (the app's own runner): a person's export, an admin's erasure with its receipt, and
// retention. Tables and user-id columns are enumerated from the catalog.
import { randomUUID } from 'node:crypto'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'drizzle-orm'
import type { Identity } from '#server/auth/identity.ts'
import type { StartedApp } from '#server/main.ts'
import { applyRetention } from '#server/services/retention/retention.ts'
import { EXPORT_JSON_NAME, exportDocumentSchema } from '#server/services/exports/format.ts'
import { personPrefix, listBlobNames, type BlobStorage } from '#server/storage/blob.ts'
import { createContext } from '#server/trpc/context.ts'
import { createCaller } from '#server/trpc/root.ts'
import { startTestApp } from '#tests/support/app-server.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { seedTwoClinics, type FixtureUser, type TwoClinics } from '#tests/support/fixtures.ts'
import { expectSqlState } from '#tests/support/pg-error.ts'
import { sessionCookieFor } from '#tests/support/sessions.ts'
import { storageEnv, testStorage } from '#tests/support/storage.ts'
import { readZip } from '#tests/support/zip.ts'

let testDb: TestDatabase
let app: StartedApp
let fixture: TwoClinics
let owner: postgres.Sql
let storage: BlobStorage

beforeAll(async () => {
  testDb = await createTestDatabase()
  fixture = await seedTwoClinics(testDb.ownerUrl)
  owner = postgres(testDb.ownerUrl, { max: 2, onnotice: () => {} })
  storage = testStorage(testDb)
  app = await startTestApp({
    DATABASE_URL: testDb.appUrl,
    ...storageEnv(testDb),
    JOBS_POLL_SECONDS: '0.5',
  })
})

afterAll(async () => {
  await app?.close()
  await owner?.end()
  await testDb?.drop()
})

const identity = (user: FixtureUser): Identity => ({
  tenantId: user.tenantId,
  userId: user.userId,
  role: user.role,
  via: 'token',
  credentialId: 'test',
})
const as = (user: FixtureUser) =>
  createCaller(createContext({ services: app.services, requestId: randomUUID(), identity: identity(user) }))

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error('timed out waiting')
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

/** Every (table, column) of a tenant table whose column names a person: catalog-driven. */
async function personColumns(): Promise<Array<{ table: string; column: string }>> {
  return owner<Array<{ table: string; column: string }>>`
    select c.relname as table, a.attname as column
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
      join pg_attribute a on a.attrelid = c.oid and not a.attisdropped and a.atttypid = 'uuid'::regtype
     where c.relkind in ('r', 'p')
       and exists (select 1 from pg_attribute t where t.attrelid = c.oid and t.attname = 'tenant_id')
       and a.attname like '%user_id'
     order by 1, 2`
}

async function rowsNaming(userId: string) {
  const counts: Record<string, number> = {}
  for (const { table, column } of await personColumns()) {
    const [row] = await owner.unsafe(`select count(*)::int as n from "${table}" where "${column}" = $1`, [
      userId,
    ])
    counts[`${table}.${column}`] = Number(row!.n)
  }
  return counts
}

const everythingOf = (files: Map<string, string>) => [...files.values()].join('\n')

describe('export my data', () => {
  it('writes an archive of exactly my rows, downloadable by me alone', async () => {
    // A second conversation with several messages, so the archive has more than the fixture's one.
    const [conversation] = await owner`insert into conversations (tenant_id, owner_user_id, title)
      values (${fixture.a1.tenantId}, ${fixture.a1.userId}, 'Supervision: week 12') returning id`
    for (let i = 0; i < 5; i++) {
      await owner`insert into messages (tenant_id, conversation_id, owner_user_id, role, content)
        values (${fixture.a1.tenantId}, ${conversation!.id}, ${fixture.a1.userId}, ${i % 2 ? 'assistant' : 'user'}, ${`Line ${i} of a1`})`
    }
    // Consultation notes: a signed one with an edit and an amendment, a draft, and a colleague's.
    const noteOf = (user: FixtureUser, jottings: string) =>
      as(user).notes.create({
        patientRef: 'K-17',
        sessionDate: '2026-03-02',
        sessionKind: 'follow_up',
        durationMinutes: 50,
        jottings,
        template: 'dap',
        locale: 'de',
      })
    const signed = await noteOf(fixture.a1, 'Jottings of a1, signed')
    for (const section of signed.sections) {
      await as(fixture.a1).notes.updateSection({
        sectionId: section.id,
        content: `Written by a1: ${section.key}`,
      })
    }
    await as(fixture.a1).notes.sign({ noteId: signed.id })
    await as(fixture.a1).notes.amend({
      sectionId: signed.sections[0]!.id,
      content: 'Amended by a1',
      reason: 'Wrong date in the first line',
    })
    const draft = await noteOf(fixture.a1, 'Jottings of a1, a draft')
    await noteOf(fixture.a2, 'Jottings of a2')

    const requested = await as(fixture.a1).exports.create()
    expect(requested.status).toBe('queued')
    // Asking again while it runs answers the same export.
    expect((await as(fixture.a1).exports.create()).id).toBe(requested.id)

    const done = await eventually(async () => {
      const [latest] = await as(fixture.a1).exports.list()
      return latest?.status === 'done' ? latest : undefined
    })
    expect(done).toMatchObject({
      id: requested.id,
      progress: 100,
      downloadPath: `/api/exports/${requested.id}`,
    })
    expect(new Date(done.expiresAt!).getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000)

    const cookie = await sessionCookieFor(app.services, fixture.a1)
    const response = await fetch(`${app.url}${done.downloadPath}`, { headers: { cookie } })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/zip')
    const files = await readZip(Buffer.from(await response.arrayBuffer()))
    const document = exportDocumentSchema.parse(JSON.parse(files.get(EXPORT_JSON_NAME)!))
    expect(document.people.map((p) => p.id)).toEqual([fixture.a1.userId])
    const [me] = document.people
    const mine =
      await owner`select id from conversations where owner_user_id = ${fixture.a1.userId} order by id`
    expect(me!.conversations.map((c) => c.id).sort()).toEqual(mine.map((row) => row.id as string))
    const myMessages =
      await owner`select id from messages where owner_user_id = ${fixture.a1.userId} order by id`
    expect(me!.conversations.flatMap((c) => c.messages.map((m) => m.id)).sort()).toEqual(
      myMessages.map((row) => row.id as string),
    )
    expect(me!.folders.map((f) => f.id)).toEqual([fixture.content.a1.folderId])
    // Every note of mine with its sections and every stored change, and its Markdown file.
    const myNotes =
      await owner`select id from notes where owner_user_id = ${fixture.a1.userId} order by created_at, id`
    expect(me!.notes.map((n) => n.id)).toEqual(myNotes.map((row) => row.id as string))
    const signedNote = me!.notes.find((n) => n.id === signed.id)
    const draftNote = me!.notes.find((n) => n.id === draft.id)
    expect(signedNote).toMatchObject({ status: 'signed', patientRef: 'K-17', restrictedAt: null })
    expect(signedNote!.signedHash).toMatch(/^[0-9a-f]{64}$/)
    expect(signedNote!.sections.map((section) => section.content)).toEqual([
      'Amended by a1',
      ...signed.sections.slice(1).map((section) => `Written by a1: ${section.key}`),
    ])
    const myVersions =
      await owner`select id from note_versions where owner_user_id = ${fixture.a1.userId} order by id`
    expect(me!.notes.flatMap((n) => n.versions.map((v) => v.id)).sort()).toEqual(
      myVersions.map((row) => row.id as string),
    )
    expect(signedNote!.versions.map((v) => v.kind)).toEqual([
      ...Array<string>(signed.sections.length).fill('edit'),
      'signed',
      'amendment',
    ])
    expect(signedNote!.versions.at(-1)).toMatchObject({ reason: 'Wrong date in the first line' })
    expect(draftNote).toMatchObject({ status: 'draft', jottings: 'Jottings of a1, a draft', signedAt: null })
    const signedMarkdown = files.get(signedNote!.markdownFile)!
    expect(signedMarkdown).toContain('Amended by a1')
    expect(signedMarkdown).toContain(`sha256 ${signedNote!.signedHash}`)
    expect(signedMarkdown).toContain('Wrong date in the first line')
    expect(files.get(draftNote!.markdownFile)).toContain('Jottings of a1, a draft')
    expect(everythingOf(files)).not.toContain('Jottings of a2')
    // Nothing of a colleague's or another clinic's, anywhere in the archive.
    const everything = everythingOf(files)
    for (const other of ['a2', 'b1'] as const) {
      expect(everything).not.toContain(`Message of ${other}`)
      expect(everything).not.toContain(fixture.content[other].conversationId)
    }
    for (const c of me!.conversations) expect(files.get(c.markdownFile)).toContain(`# ${c.title}`)
    expect(files.get(me!.conversations.find((c) => c.id === conversation!.id)!.markdownFile)).toContain(
      'Line 4 of a1',
    )

    // A colleague (cookie or not) gets the same 404 as for an id that does not exist.
    const colleague = await sessionCookieFor(app.services, fixture.a2)
    const refused = await fetch(`${app.url}${done.downloadPath}`, { headers: { cookie: colleague } })
    expect(refused.status).toBe(404)
    const nowhere = await fetch(`${app.url}/api/exports/${randomUUID()}`, { headers: { cookie: colleague } })
    expect([nowhere.status, await nowhere.text()]).toEqual([404, await refused.text()])
    expect((await fetch(`${app.url}${done.downloadPath}`)).status).toBe(401)
    const [completed] =
      await owner`select count(*)::int as n from audit_events where action = 'export.completed' and target_id = ${requested.id}`
    expect(completed!.n).toBe(1)
  })

  it('expires: past its date the archive is refused and its blob deleted', async () => {
    const [row] =
      await owner`select id, blob_name from data_exports where owner_user_id = ${fixture.a1.userId} and status = 'done'`
    await owner`update data_exports set expires_at = now() - interval '1 minute' where id = ${row!.id}`
    const cookie = await sessionCookieFor(app.services, fixture.a1)
    expect((await fetch(`${app.url}/api/exports/${row!.id}`, { headers: { cookie } })).status).toBe(404)
    const { expireExports } = await import('#server/services/exports/expiry.ts')
    expect(await expireExports(app.services.db, storage, fixture.a1.tenantId)).toBe(1)
    expect(await listBlobNames(storage, row!.blob_name as string)).toEqual([])
    const [after] = await owner`select status, blob_name from data_exports where id = ${row!.id}`
    expect(after).toEqual({ status: 'expired', blob_name: null })
  })
})

describe('erasing a person', () => {
  it('removes every row and blob of theirs, with a receipt whose counts match, without the admin reading anything', async () => {
    const subject = fixture.a2
    const prefix = personPrefix(subject.tenantId, subject.userId)
    for (const name of ['exports/old-1.zip', 'exports/old-2.zip']) {
      await storage.container.getBlockBlobClient(`${prefix}${name}`).upload('zip', 3)
    }
    const before = await rowsNaming(subject.userId)
    expect(before['messages.owner_user_id']).toBeGreaterThan(0)
    const auditBefore =
      await owner`select md5(string_agg(t::text, ',' order by id)) as h, count(*)::int as n from audit_events t`

    // The admin's own transaction sees none of the content, and cannot call the eraser.
    await app.services.db.withTenant(identity(fixture.aAdmin), async (tx) => {
      for (const table of ['messages', 'conversations', 'folders', 'data_exports']) {
        const [row] = await tx.execute<{ n: number }>(
          sql`select count(*)::int as n from ${sql.identifier(table)}`,
        )
        expect(row!.n, table).toBe(0)
      }
    })
    const [fixtureReceipt] =
      await owner`select id from erasure_receipts where tenant_id = ${subject.tenantId} limit 1`
    const refused = await expectSqlState(() =>
      app.services.db.withTenant(identity(fixture.aAdmin), (tx) =>
        tx.execute(sql`select clinai_erase_person(${fixtureReceipt!.id as string}::uuid)`),
      ),
    )
    expect(refused).toBe('42501')
    // The job's own context (system, no person) sees no content either.
    await app.services.db.withTenant(
      { tenantId: subject.tenantId, userId: null, role: 'system' },
      async (tx) => {
        const [row] = await tx.execute<{ n: number }>(sql`select count(*)::int as n from messages`)
        expect(row!.n).toBe(0)
      },
    )

    await expect(
      as(fixture.aAdmin).admin.users.erase({ userId: subject.userId, confirm: 'someone else' }),
    ).rejects.toThrow(/^erasure_not_confirmed$/)
    const [named] = await owner`select name from users where id = ${subject.userId}`
    const queued = await as(fixture.aAdmin).admin.users.erase({
      userId: subject.userId,
      confirm: named!.name as string,
    })
    expect(queued.status).toBe('queued')
    // From the moment it is asked, the person is left alone: no role, no re-enabling.
    const people = await as(fixture.aAdmin).admin.users.list()
    expect(people.find((p) => p.id === subject.userId)).toMatchObject({ erased: true, status: 'disabled' })
    expect(people.find((p) => p.id === fixture.aAdmin.userId)).toMatchObject({ erased: false })
    await expect(
      as(fixture.aAdmin).admin.users.setStatus({ userId: subject.userId, status: 'active' }),
    ).rejects.toThrow(/^person_erased$/)
    await expect(
      as(fixture.aAdmin).admin.users.setRole({ userId: subject.userId, role: 'admin' }),
    ).rejects.toThrow(/^person_erased$/)

    const receipt = await eventually(async () => {
      const current = await as(fixture.aAdmin).admin.users.erasureReceipt({ userId: subject.userId })
      return current.status === 'done' ? current : undefined
    })
    const after = await rowsNaming(subject.userId)
    for (const [column, n] of Object.entries(after)) {
      // The audit trail and the receipt keep the id by design; nothing else names the person.
      if (column.startsWith('audit_events.') || column.startsWith('erasure_receipts.')) continue
      if (/^note(s|_sections|_versions)\./.test(column)) continue // checked below: the legal hold
      expect(n, column).toBe(0)
    }
    // Signed consultation notes are patient records (section 630f BGB): kept, restricted from
    // everyone; the person's drafts are gone.
    const notesLeft = await owner`
      select signed_at is not null as signed, restricted_at is not null as restricted
        from notes where tenant_id = ${subject.tenantId} and owner_user_id = ${subject.userId}`
    for (const note of notesLeft) expect(note).toEqual({ signed: true, restricted: true })
    const [loose] = await owner`
      select (select count(*)::int from note_sections s join notes n on n.tenant_id = s.tenant_id and n.id = s.note_id
               where s.owner_user_id = ${subject.userId} and n.restricted_at is null)
           + (select count(*)::int from note_versions v join notes n on n.tenant_id = v.tenant_id and n.id = v.note_id
               where v.owner_user_id = ${subject.userId} and n.restricted_at is null) as n`
    expect(loose!.n).toBe(0)
    expect(await listBlobNames(storage, prefix)).toEqual([])
    expect(receipt.removed.blobs).toEqual({ [prefix]: 2 })
    const tableOf = (column: string) => column.split('.')[0]!
    for (const [column, n] of Object.entries(before)) {
      const table = tableOf(column)
      if (['audit_events', 'erasure_receipts', 'users'].includes(table)) continue
      // Notes: drafts deleted (their sections and versions with them) or signed ones restricted.
      if (column === 'notes.owner_user_id') {
        expect(
          (receipt.removed.tables!.notes ?? 0) + (receipt.removed.tables!.notes_restricted ?? 0),
          column,
        ).toBe(n)
        continue
      }
      if (table === 'notes' || table === 'note_sections' || table === 'note_versions') continue
      // Sessions and tokens were revoked when asked, then deleted by the job: the count is what there was.
      expect(receipt.removed.tables![table], column).toBe(n)
    }
    expect(receipt).toMatchObject({ requestedByUserId: fixture.aAdmin.userId, subjectUserId: subject.userId })
    const [person] =
      await owner`select name, email, status, oidc_subject from users where id = ${subject.userId}`
    expect(person).toEqual({
      name: 'Erased person',
      email: `erased-${subject.userId}@erased.invalid`,
      status: 'disabled',
      oidc_subject: null,
    })
    // The audit trail only grew: no earlier event changed or went, and the erasure is in it with counts.
    const earlier = await owner`select md5(string_agg(t::text, ',' order by id)) as h from
      (select * from audit_events order by created_at, id limit ${auditBefore[0]!.n}) t`
    expect(earlier[0]!.h).toBe(auditBefore[0]!.h)
    const [event] =
      await owner`select actor_user_id, details from audit_events where action = 'user.erased' and target_id = ${subject.userId}`
    expect(event!.actor_user_id).toBe(fixture.aAdmin.userId)
    expect(event!.details).toMatchObject({ messages: before['messages.owner_user_id'], blobs: 2 })

    const cookie = await sessionCookieFor(app.services, fixture.aAdmin)
    const download = await fetch(`${app.url}/api/erasures/${subject.userId}/receipt`, { headers: { cookie } })
    expect(download.status).toBe(200)
    expect(download.headers.get('content-disposition')).toMatch(/attachment/)
    expect(await download.json()).toMatchObject({
      kind: 'clinai-erasure-receipt',
      id: receipt.id,
      status: 'done',
    })
    const therapist = await sessionCookieFor(app.services, fixture.a1)
    expect(
      (await fetch(`${app.url}/api/erasures/${subject.userId}/receipt`, { headers: { cookie: therapist } }))
        .status,
    ).toBe(403)
    await expect(
      as(fixture.aAdmin).admin.users.erase({ userId: subject.userId, confirm: 'Erased person' }),
    ).rejects.toThrow(/^erasure_exists$/)
  })
})

describe('retention', () => {
  it('deletes exactly the conversations idle past the period, and audits the run', async () => {
    const tenantId = fixture.a1.tenantId
    const make = async (days: number, title: string) => {
      const [row] =
        await owner`insert into conversations (tenant_id, owner_user_id, title, last_message_at, updated_at, created_at)
        values (${tenantId}, ${fixture.a1.userId}, ${title}, now() - make_interval(days => ${days}), now() - make_interval(days => ${days}), now() - make_interval(days => ${days}))
        returning id`
      await owner`insert into messages (tenant_id, conversation_id, owner_user_id, role, content)
        values (${tenantId}, ${row!.id}, ${fixture.a1.userId}, 'user', 'old')`
      return row!.id as string
    }
    const old = await make(40, 'old')
    const older = await make(400, 'older')
    const recent = await make(20, 'recent')
    await expect(as(fixture.aAdmin).admin.settings.update({ retentionDays: 3 })).rejects.toThrow()
    await as(fixture.aAdmin).admin.settings.update({ retentionDays: 30 })
    expect((await as(fixture.aAdmin).admin.retention.status()).lastRun).toBeNull()
    const before = await owner`select id from conversations where tenant_id = ${tenantId}`

    const result = await applyRetention(app.services.db, tenantId)
    expect(result).toEqual({ retentionDays: 30, conversations: 2, messages: 2 })
    const left = await owner`select id from conversations where tenant_id = ${tenantId}`
    expect(left.map((r) => r.id).sort()).toEqual(
      before
        .map((r) => r.id as string)
        .filter((id) => id !== old && id !== older)
        .sort(),
    )
    expect(left.map((r) => r.id)).toContain(recent)
    const [otherClinic] =
      await owner`select count(*)::int as n from conversations where tenant_id = ${fixture.clinicB.tenantId}`
    expect(otherClinic!.n).toBeGreaterThan(0)
    const status = await as(fixture.aAdmin).admin.retention.status()
    expect(status).toMatchObject({
      retentionDays: 30,
      lastRun: { retentionDays: 30, conversations: 2, messages: 2 },
    })
  })
})
