// The dev launcher's PostgreSQL part on a data folder that is already in use (a second
// `npm run dev`), and again once the first has stopped (every `npm run dev` after the first).
import { execFile } from 'node:child_process'
import { chmod, mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runMigrations } from '#db/migrate.ts'
import { LocalPostgresError, startLocalPostgres, type LocalPostgres } from '#infra/local/postgres.ts'
import { freePort } from '#tests/support/free-port.ts'

const run = promisify(execFile)
const root = path.resolve(import.meta.dirname, '../..')

describe('the dev launcher on a data folder in use', () => {
  let dataDir: string
  let first: LocalPostgres | null = null
  let port: number
  const options = () => ({
    dataDir: path.join(dataDir, 'postgres'),
    port,
    persistent: true,
    databaseName: 'clinai',
    ownerPassword: 'owner-secret',
    appPassword: 'app-secret',
  })

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'clinai-dev-launcher-'))
    await chmod(dataDir, 0o755)
    port = await freePort()
    first = await startLocalPostgres(options())
    await runMigrations(first.ownerUrl())
  }, 120_000)

  afterAll(async () => {
    await first?.stop()
    await rm(dataDir, { recursive: true, force: true })
  })

  it('refuses a second PostgreSQL on the same folder with what is wrong and what to do', async () => {
    const refusal = await startLocalPostgres({ ...options(), port: await freePort() }).then(
      () => null,
      (error: unknown) => error,
    )
    expect(refusal).toBeInstanceOf(LocalPostgresError)
    const message = (refusal as Error).message
    expect(message).toMatch(/^the data folder .*postgres is in use by another PostgreSQL \(PID \d+\)/)
    expect(message).toContain('another `npm run dev`')
    expect(message).toContain('Stop that one')
    expect(message).toContain('CLINAI_DATA_DIR=')
  })

  it('says the same from `npm run dev` (the launcher with --watch) and exits 1, where it printed "undefined" before', async () => {
    const result = await run(process.execPath, ['--import', 'tsx', 'infra/local/dev.ts', '--watch'], {
      cwd: root,
      env: {
        ...process.env,
        CLINAI_DATA_DIR: dataDir,
        CLINAI_PG_PORT: String(await freePort()),
        PORT: String(await freePort()),
      },
      timeout: 60_000,
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    )
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(
      /\[dev\] could not start: the data folder .* is in use by another PostgreSQL \(PID \d+\), most likely another `npm run dev`\. Stop that one/,
    )
    expect(result.stderr).not.toContain('undefined')
    // The first one is untouched.
    const sql = postgres(first!.ownerUrl(), { max: 1 })
    try {
      expect(await sql`select 1 as ok`).toEqual([{ ok: 1 }])
    } finally {
      await sql.end()
    }
  }, 90_000)

  it('refuses CLINAI_FRESH=1 on a folder in use instead of deleting it', async () => {
    const result = await run(process.execPath, ['--import', 'tsx', 'infra/local/dev.ts', '--watch'], {
      cwd: root,
      env: { ...process.env, CLINAI_DATA_DIR: dataDir, CLINAI_FRESH: '1', PORT: String(await freePort()) },
      timeout: 60_000,
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    )
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(
      /CLINAI_FRESH=1 would delete .*, which a running PostgreSQL \(PID \d+\) still uses/,
    )
    const sql = postgres(first!.ownerUrl(), { max: 1 })
    try {
      expect(await sql`select count(*)::int as n from tenants`).toEqual([{ n: 0 }])
    } finally {
      await sql.end()
    }
  }, 90_000)

  it('starts again on the same folder once the first has stopped, and migrates it again', async () => {
    await first!.stop()
    first = null
    first = await startLocalPostgres(options())
    // The job queues exist already: migrating again must not trip over their fixed policies.
    await expect(runMigrations(first.ownerUrl())).resolves.toBeUndefined()
  }, 120_000)
})
