// The built server (`npm run build`) in a child process of its own, started as `npm start`
// starts it (production mode, the telemetry entry first), for tests that must kill it,
// signal it or load instrumentation before its modules.
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { connectDatabase } from '#db/client.ts'
import { createSession } from '#server/auth/sessions.ts'
import { loadConfig } from '#server/config/env.ts'
import { freePort } from './free-port.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const { NODE_ENV: _nodeEnv, ...inherited } = process.env

export interface BuiltServer {
  url: string
  env: Record<string, string>
  process: ChildProcess
  output(): string
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>
  /** A signed-in session cookie for a fixture person, made directly in the database. */
  cookieFor(user: { tenantId: string; userId: string }): Promise<string>
}

/** Production settings for the local stand-ins; sign-in discovery happens only at sign-in. */
export function productionEnv(databaseUrl: string, simulatorUrl: string): Record<string, string> {
  return {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl,
    AUTH_ISSUER: 'https://login.clinai.invalid/tenant/v2.0',
    AUTH_CLIENT_ID: 'clinai-built-server-test',
    AUTH_CLIENT_SECRET: 'built-server-test-client-secret',
    AUTH_REDIRECT_URI: 'https://clinai.invalid/auth/callback',
    SESSION_SECRET: 'built-server-test-session-secret-0123456789abcdef',
    PSEUDONYM_KEY: 'b'.repeat(64),
    AZURE_OPENAI_ENDPOINT: simulatorUrl,
    AZURE_OPENAI_API_KEY: 'test-key',
  }
}

export async function startBuiltServer(
  settings: Record<string, string>,
  /** `nodeArgs`: extra flags for node (a benchmark's `--cpu-prof`). */
  options: { nodeArgs?: string[] } = {},
): Promise<BuiltServer> {
  const port = settings.PORT ?? String(await freePort())
  const env: Record<string, string> = { ...settings, PORT: port }
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      '--enable-source-maps',
      '--import',
      './build/telemetry/instrument.js',
      'build/server.js',
    ],
    {
      cwd: root,
      env: { ...inherited, ...env } as unknown as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  )
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 60_000
  for (;;) {
    const ready = await fetch(`${url}/ready`).catch(() => undefined)
    if (ready && ready.status < 500) break
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`the built server did not become ready:\n${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return {
    url,
    env,
    process: child,
    output: () => output,
    exited,
    async cookieFor(user) {
      const config = loadConfig(env)
      const db = connectDatabase(env.DATABASE_URL!, { max: 1 })
      try {
        const { setCookie } = await db.withTenant(
          { tenantId: user.tenantId, userId: null, role: 'system' },
          (tx) => createSession(tx, config, user),
        )
        return setCookie.split(';')[0]!
      } finally {
        await db.close()
      }
    },
  }
}
