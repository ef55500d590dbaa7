// The only door to tenant data. The server connects as the app role (no
// BYPASSRLS, owner of nothing) and every unit of work runs in one transaction
// whose first statement sets the request's clinic, user and role as
// transaction-local settings that the RLS policies read.
import { SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api'
import { sql } from 'drizzle-orm'
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import { z } from 'zod'
import * as schema from './schema/index.ts'

export type Schema = typeof schema
export type OwnerDb = PostgresJsDatabase<Schema>
/** A transaction inside withTenant: the handle every service function takes. */
export type Tx = Parameters<Parameters<OwnerDb['transaction']>[0]>[0]

export const tenantContextSchema = z.object({
  tenantId: z.uuid(),
  /** Null only for background work that acts for the clinic, not for a person. */
  userId: z.uuid().nullable(),
  role: z.enum(['therapist', 'admin', 'system']),
})
export type TenantContext = z.infer<typeof tenantContextSchema>

export interface DatabaseOptions {
  /** Pool size; App Service B1/S1 with a Burstable server is comfortable at 10. */
  max?: number
  /**
   * Seconds to wait for a connection before giving up: while PostgreSQL is unreachable a
   * request fails after this long at most (then 503), instead of hanging for the outage.
   */
  connectTimeout?: number
  /** Seconds a statement may run before PostgreSQL cancels it. */
  statementTimeout?: number
}

/** pg-boss's view of a database connection (its `IDatabase`): statements with $n parameters. */
export interface StatementRunner {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>
}

export interface Database {
  withTenant<T>(context: TenantContext, work: (tx: Tx) => Promise<T>): Promise<T>
  /**
   * A request's credential check and its work in one transaction: `authenticate` runs first and
   * must be one of the credential functions (clinai_authenticate_session/_token), which set the
   * clinic, user and role themselves, under RLS, in the same round trip as the lookup. When it
   * returns null (a refused credential: nothing written, no clinic left set) `work` does not run
   * and the result is null. Without the settings RLS shows no row, so a check that forgets
   * them fails closed.
   */
  withAuthenticated<A, T>(
    authenticate: (tx: Tx) => Promise<A | null>,
    work: (tx: Tx, who: A) => Promise<T>,
  ): Promise<{ who: A; value: T } | null>
  /**
   * Drizzle on the app role with no clinic set, for what has no tenant data: the
   * rate-limit counters and the reviewed SECURITY DEFINER functions that answer
   * identifiers only. RLS shows it no row of any tenant table.
   */
  outsideTenant: PostgresJsDatabase<Schema>
  /**
   * Runs pg-boss's statements on this pool, or inside a withTenant transaction so a job is
   * enqueued if and only if the work that asks for it commits.
   */
  jobStatements(tx?: Tx): StatementRunner
  /** Reachability check for /ready: a round trip, no tenant data. */
  ping(timeoutMs?: number): Promise<void>
  close(): Promise<void>
}

export function connectDatabase(url: string, options: DatabaseOptions = {}): Database {
  return createDatabase(
    postgres(url, {
      max: options.max ?? 10,
      connect_timeout: options.connectTimeout ?? 3,
      // postgres.js waits up to 20 s between attempts after failures by default; a restarted
      // database is used again within a second of accepting connections.
      backoff: reconnectDelaySeconds,
      idle_timeout: 60,
      max_lifetime: 60 * 30,
      onnotice: () => {},
      connection: {
        application_name: 'clinai-app',
        statement_timeout: (options.statementTimeout ?? 30) * 1000,
      },
    }),
  )
}

/** Seconds before reconnect attempt `retries` (1, 2, …): 0.1 s doubling, at most 0.8 s. */
export function reconnectDelaySeconds(retries: number): number {
  return Math.min(0.05 * 2 ** retries, 0.8)
}

// Connection-level failures: postgres.js's own codes, Node's socket errors, SQLSTATE classes
// 08 (connection exception) and 57P0x (the server is shutting down, crashed, or starting up),
// and 53300 (no connection slot left).
const UNAVAILABLE_CODES = new Set([
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECTION_ENDED',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
  '53300',
])

/**
 * True when `error` (or an error it wraps: Drizzle wraps the driver's) says the database
 * cannot be reached right now, as opposed to a statement that failed. Callers answer 503.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true
    if (current instanceof AggregateError && current.errors.some(isDatabaseUnavailable)) return true
    current = (current as { cause?: unknown }).cause
  }
  return false
}

const tracer = trace.getTracer('clinai-db')

/**
 * PostgreSQL as a dependency in telemetry: one span per transaction (and per ping), with the
 * server, the database and the outcome, never a statement's text or its parameters.
 */
function traced<T>(target: Attributes, operation: string, work: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(
    `postgresql ${operation}`,
    { kind: SpanKind.CLIENT, attributes: { ...target, 'db.operation': operation } },
    async (span) => {
      try {
        return await work()
      } catch (error) {
        const code =
          (error as { code?: unknown }).code ?? (error as { cause?: { code?: unknown } }).cause?.code
        span.setAttribute('error.type', typeof code === 'string' ? code : 'query_failed')
        span.setStatus({ code: SpanStatusCode.ERROR })
        throw error
      } finally {
        span.end()
      }
    },
  )
}

/** Wraps an app-role postgres.js client. Tests use it to hold on to the pool they inspect. */
export function createDatabase(client: postgres.Sql): Database {
  const db = drizzle(client, { schema })
  const { host, port, database } = client.options as { host?: string[]; port?: number[]; database?: string }
  const target: Attributes = {
    'db.system': 'postgresql',
    'db.name': database ?? '',
    'net.peer.name': host?.[0] ?? '',
    'net.peer.port': port?.[0] ?? 5432,
  }

  return {
    outsideTenant: db,
    async withTenant(context, work) {
      const { tenantId, userId, role } = tenantContextSchema.parse(context)
      return traced(target, 'transaction', () =>
        db.transaction(async (tx) => {
          // is_local = true: the settings end with the transaction, so a pooled
          // connection never carries one request's clinic into the next.
          await tx.execute(
            sql`select set_config('app.tenant_id', ${tenantId}, true),
                     set_config('app.user_id', ${userId ?? ''}, true),
                     set_config('app.role', ${role}, true)`,
          )
          return work(tx)
        }),
      )
    },
    async withAuthenticated(authenticate, work) {
      return traced(target, 'transaction', () =>
        db.transaction(async (tx) => {
          const who = await authenticate(tx)
          if (who === null) return null
          return { who, value: await work(tx, who) }
        }),
      )
    },
    jobStatements(tx) {
      // Drizzle keeps the postgres.js transaction on its session; the statements run on it.
      const target = tx
        ? (tx as unknown as { session: { client: postgres.TransactionSql } }).session.client
        : client
      return {
        async executeSql(text, values = []) {
          return { rows: await target.unsafe(text, values as postgres.ParameterOrJSON<never>[]) }
        },
      }
    },
    async ping(timeoutMs = 2000) {
      let timer: NodeJS.Timeout | undefined
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('database ping timed out')), timeoutMs)
      })
      try {
        await traced(target, 'ping', () => Promise.race([client`select 1`, timeout]))
      } finally {
        clearTimeout(timer)
      }
    },
    async close() {
      await client.end({ timeout: 5 })
    },
  }
}

/**
 * The owner connection, for migrations, seeding and the operator CLI only. It
 * bypasses RLS by role attribute, so nothing that serves a request may use it.
 */
export function connectOwner(url: string): { db: OwnerDb; client: postgres.Sql; close(): Promise<void> } {
  const client = postgres(url, {
    max: 2,
    onnotice: () => {},
    connection: { application_name: 'clinai-owner' },
  })
  return { db: drizzle(client, { schema }), client, close: () => client.end({ timeout: 5 }) }
}
