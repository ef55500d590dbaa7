// One embedded PostgreSQL per test run, with a migrated template database.
// Each test file clones its own database from the template (tests/support/database.ts).
import { chmod, mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import { runMigrations } from '#db/migrate.ts'
import { startLocalPostgres } from '#infra/local/postgres.ts'
import { freePort } from './free-port.ts'

export const TEMPLATE_DATABASE = 'clinai_template'
const OWNER_PASSWORD = 'test-owner'
const APP_PASSWORD = 'test-app'

export interface ProvidedPostgres {
  port: number
  superuserUrl: string
  ownerPassword: string
  appPassword: string
  template: string
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: ProvidedPostgres
  }
}

export default async function setup(project: TestProject) {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'clinai-test-pg-'))
  // mkdtemp makes the folder 0700; the `postgres` system user must be able to enter it.
  await chmod(dataDir, 0o755)
  const port = await freePort()
  const pg = await startLocalPostgres({
    dataDir: path.join(dataDir, 'data'),
    port,
    persistent: false,
    databaseName: TEMPLATE_DATABASE,
    ownerPassword: OWNER_PASSWORD,
    appPassword: APP_PASSWORD,
  })
  await runMigrations(pg.ownerUrl(TEMPLATE_DATABASE))
  await pg.enableAppLogin()
  project.provide('postgres', {
    port,
    superuserUrl: pg.superuserUrl('postgres'),
    ownerPassword: OWNER_PASSWORD,
    appPassword: APP_PASSWORD,
    template: TEMPLATE_DATABASE,
  })
  return async () => {
    await pg.stop()
    await rm(dataDir, { recursive: true, force: true })
  }
}
