// Enqueueing durable jobs (pg-boss, schema clinai_jobs) from request handlers. A job is
// sent on the caller's own withTenant transaction, so it exists exactly when the row that
// asks for it (an export, an erasure receipt) does. This instance of pg-boss is never
// started: it only writes jobs through the app's pool; the runner (runner.ts) works them.
import { PgBoss } from 'pg-boss'
import type { Database, Tx } from '#db/client.ts'
import { JOBS_SCHEMA, type queues } from '#db/jobs.ts'

export type QueueName = (typeof queues)[keyof typeof queues]['name']

/** Every payload names its clinic: the work runs in withTenant with exactly that id. */
export interface JobPayloads {
  'export-data': { tenantId: string; userId: string; exportId: string }
  'erase-person': { tenantId: string; receiptId: string }
  'clinic-maintenance': { tenantId: string }
  'maintenance-sweep': Record<string, never>
}

export interface JobQueue {
  /** Enqueues inside `tx`; `key` makes a second send of the same work a no-op while the first is pending. */
  send<Q extends keyof JobPayloads>(tx: Tx, queue: Q, data: JobPayloads[Q], key: string): Promise<void>
}

export function createJobQueue(db: Database): JobQueue {
  const boss = new PgBoss({ db: db.jobStatements(), schema: JOBS_SCHEMA, migrate: false })
  return {
    async send(tx, queue, data, key) {
      await boss.send(queue, data, { db: db.jobStatements(tx), singletonKey: key })
    },
  }
}
