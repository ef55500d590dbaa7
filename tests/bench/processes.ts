// The benchmarks' servers in processes of their own: the app as `npm start` runs it (the built
// server, tests/support/built-server.ts) and the model simulator, so that what is measured is the
// app's cost, not the load client competing with it in one event loop. `BENCH_APP_NODE_ARGS`
// (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) is passed to each app process's node.
import { fork } from 'node:child_process'
import { chmod, mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { runMigrations } from '#db/migrate.ts'
import type { AoaiSimulatorOptions } from '#infra/local/aoai-simulator/server.ts'
import { startLocalPostgres, type LocalPostgres } from '#infra/local/postgres.ts'
import { freePort } from '#tests/support/free-port.ts'
import { productionEnv, startBuiltServer, type BuiltServer } from '#tests/support/built-server.ts'

const here = path.dirname(fileURLToPath(import.meta.url))

/** A benchmark's own embedded PostgreSQL, migrated, the app role able to sign in; `stop` removes it. */
export async function startBenchDatabase(
  name: string,
): Promise<{ pg: LocalPostgres; stop(): Promise<void> }> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `clinai-bench-${name}-`))
  await chmod(dataDir, 0o755)
  const pg = await startLocalPostgres({
    dataDir: path.join(dataDir, 'data'),
    port: await freePort(),
    persistent: false,
    databaseName: 'clinai_bench',
    ownerPassword: 'bench-owner',
    appPassword: 'bench-app',
  })
  const stop = async () => {
    await pg.stop()
    await rm(dataDir, { recursive: true, force: true })
  }
  try {
    await runMigrations(pg.ownerUrl())
    await pg.enableAppLogin()
  } catch (error) {
    await stop()
    throw error
  }
  return { pg, stop }
}

export interface ServerProcess {
  url: string
  close(): Promise<void>
}

export async function startSimulatorProcess(options: AoaiSimulatorOptions): Promise<ServerProcess> {
  const child = fork(path.join(here, 'simulator-process.ts'), [JSON.stringify(options)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { url: string }).url))
    child.once('exit', (code) => reject(new Error(`the simulator process ended (${code})`)))
  })
  return {
    url,
    async close() {
      if (child.connected) child.disconnect()
      await exited
    },
  }
}

export interface AppProcess extends ServerProcess {
  server: BuiltServer
  cookieFor: BuiltServer['cookieFor']
}

/** The built server (`npm run build` first) against `databaseUrl`, with `settings` on top. */
export async function startAppProcess(
  databaseUrl: string,
  simulatorUrl: string,
  settings: Record<string, string> = {},
): Promise<AppProcess> {
  const nodeArgs = (process.env.BENCH_APP_NODE_ARGS ?? '').split(' ').filter(Boolean)
  const server = await startBuiltServer(
    { ...productionEnv(databaseUrl, simulatorUrl), AZURE_OPENAI_API_KEY: 'bench-key', ...settings },
    { nodeArgs },
  )
  return {
    url: server.url,
    server,
    cookieFor: server.cookieFor,
    async close() {
      // SIGTERM: the server's own shutdown (live answers end stored, the pool closes).
      if (server.process.exitCode === null) server.process.kill('SIGTERM')
      await server.exited
    },
  }
}
