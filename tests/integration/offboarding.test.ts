// Offboarding a clinic with the operator CLI: `tenant export` writes one archive of the
// whole clinic, `tenant erase` leaves nothing of it in any table (found in the catalog)
// or under its Blob prefix, and prints a receipt with the counts.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import postgres from 'postgres'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { runCli } from '#server/cli/main.ts'
import { loadConfig } from '#server/config/env.ts'
import { EXPORT_JSON_NAME, exportDocumentSchema } from '#server/services/exports/format.ts'
import { clinicPrefix, listBlobNames } from '#server/storage/blob.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { seedTwoClinics, type TwoClinics } from '#tests/support/fixtures.ts'
import { storageEnv, testStorage } from '#tests/support/storage.ts'
import { readZip } from '#tests/support/zip.ts'

let testDb: TestDatabase
let fixture: TwoClinics
let owner: postgres.Sql
let folder: string

beforeAll(async () => {
  testDb = await createTestDatabase()
  fixture = await seedTwoClinics(testDb.ownerUrl)
  owner = postgres(testDb.ownerUrl, { max: 1, onnotice: () => {} })
  folder = await mkdtemp(path.join(os.tmpdir(), 'clinai-offboarding-'))
})

afterAll(async () => {
  await owner?.end()
  await testDb?.drop()
  await rm(folder, { recursive: true, force: true })
})

async function cli(...argv: string[]): Promise<string[]> {
  const lines: string[] = []
  const storage = loadConfig({ NODE_ENV: 'test', ...storageEnv(testDb) }).storage
  await runCli(argv, testDb.ownerUrl, (line) => lines.push(line), { storage })
  return lines
}

/** Rows of the clinic in every public table that has a tenant_id (and tenants itself). */
async function rowsOfClinic(tenantId: string): Promise<number> {
  const tables = await owner<Array<{ name: string }>>`
    select c.relname as name from pg_class c
      join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
      join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
     where c.relkind in ('r', 'p')`
  expect(tables.length).toBeGreaterThan(8)
  let total = 0
  for (const { name } of tables) {
    const [row] = await owner.unsafe(`select count(*)::int as n from "${name}" where tenant_id = $1`, [
      tenantId,
    ])
    total += Number(row!.n)
  }
  const [clinic] = await owner`select count(*)::int as n from tenants where id = ${tenantId}`
  const [jobs] =
    await owner`select count(*)::int as n from clinai_jobs.job where data->>'tenantId' = ${tenantId}`
  return total + clinic!.n + jobs!.n
}

it('exports a whole clinic, then erases it without a trace, with a receipt', async () => {
  const { tenantId, slug } = fixture.clinicA
  const storage = testStorage(testDb)
  await storage.container.createIfNotExists()
  await storage.container
    .getBlockBlobClient(`${clinicPrefix(tenantId)}users/x/exports/one.zip`)
    .upload('z', 1)
  await storage.container
    .getBlockBlobClient(`${clinicPrefix(fixture.clinicB.tenantId)}keep.zip`)
    .upload('z', 1)

  // a2's signed note as an erasure leaves it: restricted, still a record the clinic must keep.
  const [restricted] = await owner`
    update notes set restricted_at = now()
     where owner_user_id = ${fixture.a2.userId} and signed_at is not null returning id`

  const file = path.join(folder, 'clinic-a.zip')
  expect(await cli('tenant', 'export', '--slug', slug, '--out', file)).toEqual([
    `exported clinic ${slug} (4 people) to ${file}`,
  ])
  const files = await readZip(await readFile(file))
  const document = exportDocumentSchema.parse(JSON.parse(files.get(EXPORT_JSON_NAME)!))
  expect(document.scope).toBe('clinic')
  expect(document.people).toHaveLength(4)
  const messages = document.people.flatMap((p) => p.conversations.flatMap((c) => c.messages))
  expect(messages.map((m) => m.content).sort()).toEqual(['Message of a1', 'Message of a2'])
  // Every note of the clinic, the restricted one included, each with its Markdown file.
  const clinicNotes = await owner`select id from notes where tenant_id = ${tenantId} order by id`
  const exported = document.people.flatMap((p) => p.notes)
  expect(exported.map((n) => n.id).sort()).toEqual(clinicNotes.map((row) => row.id as string))
  expect(exported.filter((n) => n.restrictedAt !== null).map((n) => n.id)).toEqual([restricted!.id])
  for (const note of exported) expect(files.get(note.markdownFile)).toContain(note.jottings)
  expect(files.get(exported.find((n) => n.restrictedAt)!.markdownFile)).toContain('Restricted')

  await expect(cli('tenant', 'erase', '--slug', slug, '--confirm', 'wrong')).rejects.toThrow(/confirm/)
  const before = await rowsOfClinic(tenantId)
  expect(before).toBeGreaterThan(0)
  const printed = await cli('tenant', 'erase', '--slug', slug, '--confirm', slug)
  const receipt = JSON.parse(printed.join('\n')) as {
    removed: { tables: Record<string, number>; blobs: Record<string, number>; jobs: number }
  }
  expect(await rowsOfClinic(tenantId)).toBe(0)
  expect(await listBlobNames(storage, clinicPrefix(tenantId))).toEqual([])
  const removed = Object.values(receipt.removed.tables).reduce((sum, n) => sum + n, 0) + receipt.removed.jobs
  expect(removed).toBe(before)
  expect(receipt.removed.blobs).toEqual({ [clinicPrefix(tenantId)]: 1 })
  // The other clinic is untouched.
  expect(await rowsOfClinic(fixture.clinicB.tenantId)).toBeGreaterThan(0)
  expect(await listBlobNames(storage, clinicPrefix(fixture.clinicB.tenantId))).toHaveLength(1)
})
