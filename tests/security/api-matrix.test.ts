// The access matrix, generated from the router. For every procedure whose input
// names a row (a field `id` or `…Id`), a therapist of clinic A calls it with ids
// belonging to clinic B and to another therapist of clinic A, and must get
// NOT_FOUND (FORBIDDEN for admin procedures) with every table unchanged. Admin
// procedures refuse therapists, and refuse an admin's ids from another clinic.
// A new procedure is covered without editing this file; one it cannot handle
// fails here with its name.
import { randomUUID } from 'node:crypto'
import postgres from 'postgres'
import { TRPCError } from '@trpc/server'
import { z } from 'zod'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rejectionOf, testApi, type TestApi } from '#tests/support/caller.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { seedTwoClinics, type FixtureUser, type TwoClinics } from '#tests/support/fixtures.ts'
import {
  buildInput,
  callPath,
  idFields,
  listProcedures,
  type ProcedureInfo,
} from '#tests/support/procedures.ts'
import { listTables, snapshotTables, type TableInfo } from '#tests/support/snapshot.ts'

let testDb: TestDatabase
let api: TestApi
let fixture: TwoClinics
let owner: postgres.Sql
let tables: TableInfo[]

beforeAll(async () => {
  testDb = await createTestDatabase()
  fixture = await seedTwoClinics(testDb.ownerUrl)
  api = testApi(testDb)
  owner = postgres(testDb.ownerUrl, { max: 1, onnotice: () => {} })
  tables = await listTables(owner)
})

afterAll(async () => {
  await api?.close()
  await owner?.end()
  await testDb?.drop()
})

const procedures = listProcedures()
const withIds = procedures.filter((procedure) => idFields(procedure.input).length > 0)
const adminProcedures = procedures.filter((procedure) => procedure.adminOnly)

/** Which table an id field points into. A new kind of id needs a line here, and the test says so. */
function tableFor(path: string, field: string): string {
  const byField: Record<string, string> = {
    folderId: 'folders',
    conversationId: 'conversations',
    messageId: 'messages',
    userId: 'users',
    tokenId: 'api_tokens',
    noteId: 'notes',
    sectionId: 'note_sections',
    templateId: 'note_templates',
  }
  const byNamespace: Record<string, string> = {
    tokens: 'api_tokens',
    folders: 'folders',
    conversations: 'conversations',
    messages: 'messages',
    users: 'users',
  }
  const namespace = path.split('.').at(-2) ?? ''
  const table = field === 'id' ? byNamespace[namespace] : byField[field]
  if (!table) {
    throw new Error(
      `${path}: the security matrix does not know which table the id field "${field}" points into; ` +
        'add it to tableFor() in tests/security/api-matrix.test.ts',
    )
  }
  return table
}

/** One row of `user`'s in the table (the fixture has one in every table for every person). */
async function idOf(user: FixtureUser, table: string): Promise<string> {
  const info = tables.find((t) => t.name === table)
  if (!info) throw new Error(`no table ${table}`)
  const personColumn = table === 'users' ? 'id' : info.ownerColumn
  if (!personColumn) throw new Error(`table ${table} has no column naming its owner`)
  const [row] = await owner.unsafe(
    `select id::text as id from "${table}" where tenant_id = $1 and "${personColumn}" = $2 order by id limit 1`,
    [user.tenantId, user.userId],
  )
  if (!row) throw new Error(`the fixture has no ${table} row for this person`)
  return row.id as string
}

async function idsFor(procedure: ProcedureInfo, owners: Record<string, FixtureUser>) {
  const ids: Record<string, string> = {}
  for (const [field, user] of Object.entries(owners))
    ids[field] = await idOf(user, tableFor(procedure.path, field))
  return ids
}

function validInput(procedure: ProcedureInfo, ids: Record<string, string>, fillOptional = false): unknown {
  const built = buildInput(procedure.input, ids, { fillOptional })
  if (!built.ok) {
    throw new Error(
      `${procedure.path}: cannot build a valid input (${built.reason}); teach buildInput() in tests/support/procedures.ts`,
    )
  }
  return built.value
}

/** Calls and returns the refusal, proving that no table changed. */
async function refusal(caller: FixtureUser, procedure: ProcedureInfo, input: unknown): Promise<TRPCError> {
  const before = await snapshotTables(owner)
  const error = await rejectionOf(callPath(api.as(caller), procedure.path, input))
  expect(await snapshotTables(owner), `${procedure.path} changed data`).toEqual(before)
  return error
}

/** Every way to point a call at someone else's rows: all ids theirs, or one id theirs and the rest the caller's. */
function variants(fields: string[]): Array<{ label: string; foreign: string[] }> {
  const all = { label: 'all ids', foreign: fields }
  return fields.length === 1
    ? [all]
    : [all, ...fields.map((field) => ({ label: `only ${field}`, foreign: [field] }))]
}

describe('the matrix is generated from the router', () => {
  it('finds the id-taking and admin procedures it must cover', () => {
    const paths = withIds.map((procedure) => procedure.path)
    for (const expected of [
      'folders.rename',
      'folders.delete',
      'conversations.list',
      'conversations.get',
      'conversations.create',
      'conversations.rename',
      'conversations.move',
      'conversations.delete',
      'messages.list',
      'tokens.revoke',
      'admin.users.setRole',
    ]) {
      expect(paths).toContain(expected)
    }
    expect(adminProcedures.map((procedure) => procedure.path)).toEqual(
      expect.arrayContaining(['admin.settings.get', 'admin.settings.update', 'admin.users.list']),
    )
  })

  it('fails with the procedure name when it cannot build an input', () => {
    const unbuildable = z.object({ conversationId: z.uuid(), blob: z.custom<Uint8Array>(() => false) })
    const built = buildInput(unbuildable, { conversationId: randomUUID() })
    expect(built).toEqual({ ok: false, reason: 'cannot sample field "blob" (custom)' })
    expect(() => tableFor('widgets.rename', 'widgetId')).toThrow(/widgets\.rename.*widgetId/)
  })
})

describe.each(
  withIds
    .filter((procedure) => !procedure.adminOnly)
    .map((procedure) => [procedure.path, procedure] as const),
)('%s as a therapist of clinic A', (_path, procedure) => {
  const fields = idFields(procedure.input)
  for (const victim of ['b1', 'a2'] as const) {
    for (const variant of variants(fields)) {
      it(`answers NOT_FOUND for ${victim}'s ids (${variant.label}) and changes nothing`, async () => {
        const owners = Object.fromEntries(
          fields.map((field) => [field, variant.foreign.includes(field) ? fixture[victim] : fixture.a1]),
        )
        const input = validInput(procedure, await idsFor(procedure, owners))
        const error = await refusal(fixture.a1, procedure, input)
        expect(error.code, `${procedure.path} ${JSON.stringify(input)}`).toBe('NOT_FOUND')
        // The same answer as for an id that exists nowhere: nothing to learn from it.
        const missing = validInput(
          procedure,
          Object.fromEntries(fields.map((field) => [field, randomUUID()])),
        )
        const nowhere = await rejectionOf(callPath(api.as(fixture.a1), procedure.path, missing))
        if (variant.foreign.length === fields.length) {
          expect([error.code, error.message]).toEqual([nowhere.code, nowhere.message])
        }
      })
    }
  }

  it("answers NOT_FOUND to clinic A's admin for the therapist's ids: admins do not read clinicians' content", async () => {
    const input = validInput(
      procedure,
      await idsFor(procedure, Object.fromEntries(fields.map((f) => [f, fixture.a1]))),
    )
    const error = await refusal(fixture.aAdmin, procedure, input)
    expect(error.code).toBe('NOT_FOUND')
  })

  it("succeeds with the caller's own ids (so the refusals above are about ownership)", async () => {
    const owners = Object.fromEntries(fields.map((field) => [field, fixture.a1]))
    const input = validInput(procedure, await idsFor(procedure, owners))
    // Without this, a procedure that refused everything would pass the refusals above.
    if (procedure.type === 'query') {
      await expect(callPath(api.as(fixture.a1), procedure.path, input)).resolves.toBeDefined()
    } else {
      const result = await callPath(api.as(fixture.a1), procedure.path, input).then(
        () => 'ok',
        (error: unknown) => (error instanceof TRPCError ? error.code : String(error)),
      )
      expect(result, procedure.path).toBe('ok')
      // Put the fixture back for the next tests: its rows may have moved or gone.
      await restoreFixtureRowsOf(fixture.a1)
    }
  })
})

describe.each(adminProcedures.map((procedure) => [procedure.path, procedure] as const))(
  '%s',
  (_path, procedure) => {
    const fields = idFields(procedure.input)

    for (const target of fields.length > 0 ? (['a2', 'b1'] as const) : (['a2'] as const)) {
      const about = fields.length > 0 ? ` (ids of ${target})` : ''
      it(`refuses a therapist with FORBIDDEN${about} and changes nothing`, async () => {
        const ids = await idsFor(
          procedure,
          Object.fromEntries(fields.map((field) => [field, fixture[target]])),
        )
        const error = await refusal(fixture.a1, procedure, validInput(procedure, ids))
        expect(error.code).toBe('FORBIDDEN')
      })
    }

    if (fields.length > 0) {
      for (const target of ['b1', 'bAdmin'] as const) {
        it(`refuses clinic A's admin NOT_FOUND for clinic B's ids (${target}) and changes nothing`, async () => {
          const ids = await idsFor(
            procedure,
            Object.fromEntries(fields.map((field) => [field, fixture[target]])),
          )
          const error = await refusal(fixture.aAdmin, procedure, validInput(procedure, ids))
          expect(error.code).toBe('NOT_FOUND')
        })
      }
    }

    it("changes nothing of clinic B when clinic A's admin calls it validly", async () => {
      const ids = await idsFor(procedure, Object.fromEntries(fields.map((field) => [field, fixture.a2])))
      const clinicB = (table: TableInfo) =>
        table.name === 'tenants'
          ? `id = '${fixture.clinicB.tenantId}'`
          : `tenant_id = '${fixture.clinicB.tenantId}'`
      const before = await snapshotTables(owner, clinicB)
      // Optional fields filled in, so that an update really writes something in clinic A.
      await callPath(api.as(fixture.aAdmin), procedure.path, validInput(procedure, ids, true)).catch(
        (error: unknown) => {
          // A refusal is fine here (say, a rule about the last admin); a crash is not.
          expect(error).toBeInstanceOf(TRPCError)
          expect((error as TRPCError).code).not.toBe('INTERNAL_SERVER_ERROR')
        },
      )
      expect(await snapshotTables(owner, clinicB)).toEqual(before)
    })
  },
)

/** Gives a1 a folder, a conversation in it and a message again if a mutation above used them up. */
async function restoreFixtureRowsOf(user: FixtureUser) {
  const [folder] = await owner`select id from folders where owner_user_id = ${user.userId} limit 1`
  const folderId =
    (folder?.id as string | undefined) ??
    ((
      await owner`insert into folders (tenant_id, owner_user_id, name) values (${user.tenantId}, ${user.userId}, 'Folder a1') returning id`
    )[0]!.id as string)
  const [conversation] =
    await owner`select id from conversations where owner_user_id = ${user.userId} limit 1`
  const conversationId =
    (conversation?.id as string | undefined) ??
    ((
      await owner`insert into conversations (tenant_id, owner_user_id, folder_id, title)
                  values (${user.tenantId}, ${user.userId}, ${folderId}, 'Conversation a1') returning id`
    )[0]!.id as string)
  const [message] = await owner`select id from messages where owner_user_id = ${user.userId} limit 1`
  if (!message) {
    await owner`insert into messages (tenant_id, conversation_id, owner_user_id, role, content)
                values (${user.tenantId}, ${conversationId}, ${user.userId}, 'user', 'Message of a1')`
  }
  const [token] =
    await owner`select id from api_tokens where user_id = ${user.userId} and revoked_at is null limit 1`
  if (!token) {
    await owner`insert into api_tokens (tenant_id, user_id, name, display_prefix, secret_hash)
                values (${user.tenantId}, ${user.userId}, 'token a1', 'clinai_pat_xx', ${randomUUID()})`
  }
}
