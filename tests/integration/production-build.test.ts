// The deployed artifact: what `npm run build` leaves (build/ and public/, with
// package.json and the lock), installed in a temporary folder with production
// dependencies only and started with `npm start` in production mode, against the
// local stand-ins. No tsx, no TypeScript, no dev dependency.
import { spawn, execFile, type ChildProcess } from 'node:child_process'
import { cp, mkdtemp, rm, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectDatabase, type Database } from '#db/client.ts'
import { startAoaiSimulator, type AoaiSimulator } from '#infra/local/aoai-simulator/server.ts'
import { createSession } from '#server/auth/sessions.ts'
import { loadConfig } from '#server/config/env.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { seedTwoClinics, type TwoClinics } from '#tests/support/fixtures.ts'
import { freePort } from '#tests/support/free-port.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
/** What a deployment ships: the same list as the README's "Deploying". */
const ARTIFACT = ['package.json', 'package-lock.json', '.npmrc', 'build', 'public']

const productionEnv = (port: number, databaseUrl: string, simulatorUrl: string) => ({
  PORT: String(port),
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  DATABASE_URL: databaseUrl,
  // Sign-in discovers the provider only when someone signs in; sessions below come from the fixture.
  AUTH_ISSUER: 'https://login.clinai.invalid/tenant/v2.0',
  AUTH_CLIENT_ID: 'clinai-production-test',
  AUTH_CLIENT_SECRET: 'production-test-client-secret',
  AUTH_REDIRECT_URI: 'https://clinai.invalid/auth/callback',
  SESSION_SECRET: 'production-test-session-secret-0123456789abcdef',
  PSEUDONYM_KEY: '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
  AZURE_OPENAI_ENDPOINT: simulatorUrl,
  AZURE_OPENAI_API_KEY: 'production-test-key',
})

let artifact: string
let testDb: TestDatabase
let fixture: TwoClinics
let simulator: AoaiSimulator
let server: ChildProcess | undefined
let serverOutput = ''
let baseUrl: string
let env: Record<string, string>
let installSeconds = 0

// The machine's environment (proxy and CA settings) without this test run's NODE_ENV, and the
// project's Node 24 (this process runs on it) first on the PATH, as App Service provides it.
const { NODE_ENV: _nodeEnv, ...inherited } = process.env
const childEnv = (extra: Record<string, string> = {}) =>
  ({
    ...inherited,
    PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}`,
    ...extra,
  }) as unknown as NodeJS.ProcessEnv

beforeAll(async () => {
  const [built, source] = await Promise.all(
    ['build/server.js', 'server/main.ts'].map((file) => stat(path.join(root, file))),
  )
  expect(
    built!.mtimeMs,
    'build/server.js is older than the source: run npm run build',
  ).toBeGreaterThanOrEqual(source!.mtimeMs)
  artifact = await mkdtemp(path.join(os.tmpdir(), 'clinai-artifact-'))
  for (const entry of ARTIFACT)
    await cp(path.join(root, entry), path.join(artifact, entry), { recursive: true })
  // Production dependencies only, from the npm cache where it has them (the app's own install filled it). No
  // install scripts: none of the production dependencies needs one.
  const started = performance.now()
  await promisify(execFile)(
    'npm',
    [
      'ci',
      '--omit=dev',
      '--prefer-offline',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
    ],
    { cwd: artifact, env: childEnv() },
  )
  installSeconds = (performance.now() - started) / 1000

  testDb = await createTestDatabase()
  fixture = await seedTwoClinics(testDb.ownerUrl)
  simulator = await startAoaiSimulator({
    apiKey: 'production-test-key',
    tokensPerSecond: 400,
    firstTokenMs: 10,
  })
  const port = await freePort()
  baseUrl = `http://127.0.0.1:${port}`
  env = productionEnv(port, testDb.appUrl, simulator.url)
  const child = spawn('npm', ['start'], {
    cwd: artifact,
    env: childEnv(env),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  server = child
  child.stdout!.on('data', (chunk: Buffer) => (serverOutput += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (serverOutput += chunk.toString()))
  const deadline = Date.now() + 30_000
  for (;;) {
    const ready = await fetch(`${baseUrl}/ready`).catch(() => undefined)
    if (ready?.status === 200) break
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`the built server did not become ready:\n${serverOutput}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  // A fresh production install takes half a minute on a quiet machine, far more on a busy one.
}, 300_000)

afterAll(async () => {
  // The whole group: npm and the node process it started.
  if (server?.pid && server.exitCode === null) process.kill(-server.pid, 'SIGTERM')
  await simulator?.close()
  await testDb?.drop()
  if (artifact) await rm(artifact, { recursive: true, force: true })
})

async function signedInCookie(user: { tenantId: string; userId: string }): Promise<string> {
  const config = loadConfig({ ...env, NODE_ENV: 'production' })
  const db: Database = connectDatabase(testDb.appUrl, { max: 1 })
  try {
    const { setCookie } = await db.withTenant(
      { tenantId: user.tenantId, userId: null, role: 'system' },
      (tx) => createSession(tx, config, user),
    )
    return setCookie.split(';')[0]!
  } finally {
    await db.close()
  }
}

describe('the production build', () => {
  it('installs with production dependencies only, quickly', async () => {
    // (typescript does arrive: Remix and tRPC name it as a peer dependency.)
    for (const dev of ['tsx', 'vitest', '@remix-run/dev', 'esbuild', 'node', 'drizzle-kit']) {
      await expect(stat(path.join(artifact, 'node_modules', dev)), dev).rejects.toThrow()
    }
    await expect(stat(path.join(artifact, 'node_modules', 'express'))).resolves.toBeTruthy()
    console.info(`npm ci --omit=dev --prefer-offline took ${installSeconds.toFixed(1)} s`)
    expect(installSeconds).toBeLessThan(90)
  })

  it('answers /ready with 200 in production mode', async () => {
    const response = await fetch(`${baseUrl}/ready`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({
      status: 'ready',
      checks: { database: 'ok', jobs: 'ok', blob: 'not_configured' },
    })
    // Production: the session cookie is __Host- and Secure (see server/auth/sessions.ts).
    const signIn = await fetch(`${baseUrl}/app`, { redirect: 'manual' })
    expect(signIn.status).toBe(302)
  })

  it('serves a signed-in page, compressed', async () => {
    const cookie = await signedInCookie(fixture.a1)
    expect(cookie).toMatch(/^__Host-clinai_session=/)
    const response = await fetch(`${baseUrl}/app`, { headers: { cookie, 'accept-encoding': 'br' } })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-encoding')).toBe('br')
    const html = await response.text()
    expect(html).toContain('Conversation a1')
    expect(html).not.toContain('Conversation a2')
  })

  it('streams a chat answer, and a model failure ends as a coded error (one copy of every module)', async () => {
    const cookie = await signedInCookie(fixture.a1)
    const chat = (content: string) =>
      fetch(`${baseUrl}/api/chat/${fixture.content.a1.conversationId}`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', origin: baseUrl },
        body: JSON.stringify({ content }),
      })
    const answer = await chat('Was hilft bei Prüfungsangst?')
    expect(answer.headers.get('content-type')).toMatch(/^text\/event-stream/)
    expect(answer.headers.get('content-encoding')).toBeNull()
    expect(await answer.text()).toMatch(/event: done/)
    // The route and the model client are bundled together: the route recognises the client's error.
    const failed = await (await chat('Noch eine Frage [[sim:server_error]]')).text()
    expect(failed).toMatch(/event: error\ndata: .*"code":"model_unavailable"/)
  })
})
