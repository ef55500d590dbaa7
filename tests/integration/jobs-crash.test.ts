// A job killed mid-way (kill -9 of its process) is picked up again after a restart and
// finishes once: pg-boss notices the missing heartbeat and retries; the export job is
// idempotent (one blob name per export, one `done`).
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { personPrefix, listBlobNames } from '#server/storage/blob.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { seedTwoClinics, type TwoClinics } from '#tests/support/fixtures.ts'
import { testApi, type TestApi } from '#tests/support/caller.ts'
import { storageEnv, testStorage } from '#tests/support/storage.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
let testDb: TestDatabase
let fixture: TwoClinics
let owner: postgres.Sql
let api: TestApi
const workers: ChildProcess[] = []

beforeAll(async () => {
  testDb = await createTestDatabase()
  fixture = await seedTwoClinics(testDb.ownerUrl)
  owner = postgres(testDb.ownerUrl, { max: 1, onnotice: () => {} })
  api = testApi(testDb, storageEnv(testDb))
  // Enough text that writing the archive takes a while: 400 conversations of 10 messages.
  await owner`
    with c as (
      insert into conversations (tenant_id, owner_user_id, title)
      select ${fixture.a1.tenantId}, ${fixture.a1.userId}, 'Bulk ' || g from generate_series(1, 400) g
      returning id)
    insert into messages (tenant_id, conversation_id, owner_user_id, role, content)
    select ${fixture.a1.tenantId}, c.id, ${fixture.a1.userId}, 'user', repeat('Gedanken zur Sitzung. ', 100)
      from c, generate_series(1, 10)`
})

afterAll(async () => {
  for (const worker of workers) worker.kill('SIGKILL')
  await api?.close()
  await owner?.end()
  await testDb?.drop()
})

function startWorker(): Promise<ChildProcess> {
  // One process (node with tsx's loader), so SIGKILL hits the worker itself, not a wrapper.
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/job-worker.ts'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: testDb.appUrl,
      ...storageEnv(testDb),
      JOBS_POLL_SECONDS: '0.5',
      JOBS_SUPERVISE_SECONDS: '1',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  workers.push(child)
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(child)
    })
    child.once('exit', (code) => reject(new Error(`worker exited ${code}`)))
  })
}

async function exportRow(id: string) {
  const [row] = await owner`select status, progress from data_exports where id = ${id}`
  return row as { status: string; progress: number }
}

it('finishes an export once after its worker was killed with SIGKILL mid-way', async () => {
  const requested = await api.as(fixture.a1).exports.create()
  const first = await startWorker()
  const deadline = Date.now() + 30_000
  while (!(
    (await exportRow(requested.id)).status === 'running' && (await exportRow(requested.id)).progress > 0
  )) {
    if (Date.now() > deadline) throw new Error('the export never got going')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  first.kill('SIGKILL')
  await new Promise((resolve) => first.once('exit', resolve))
  expect((await exportRow(requested.id)).status).toBe('running')

  await startWorker()
  const until = Date.now() + 60_000
  while ((await exportRow(requested.id)).status !== 'done') {
    if (Date.now() > until) throw new Error(`still ${(await exportRow(requested.id)).status}`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  const [job] =
    await owner`select state, retry_count from clinai_jobs.job where name = 'export-data' and data->>'exportId' = ${requested.id}`
  expect(job!.state).toBe('completed')
  expect(job!.retry_count).toBeGreaterThanOrEqual(1)
  const [events] =
    await owner`select count(*)::int as n from audit_events where action = 'export.completed' and target_id = ${requested.id}`
  expect(events!.n).toBe(1)
  const blobs = await listBlobNames(
    testStorage(testDb),
    `${personPrefix(fixture.a1.tenantId, fixture.a1.userId)}exports/`,
  )
  expect(blobs).toEqual([
    `${personPrefix(fixture.a1.tenantId, fixture.a1.userId)}exports/${requested.id}.zip`,
  ])
}, 120_000)
