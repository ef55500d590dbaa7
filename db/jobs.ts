// The job queue's tables: pg-boss in its own schema, installed and migrated by the owner
// role at migrate time, like every other table. The app role only uses them (it owns
// nothing and may not create anything), so it starts pg-boss with `migrate: false` and
// the queues already exist. pg-boss's queues live here, beside the schema they need,
// and server/jobs/ names its work by them.
import { PgBoss, type Queue } from 'pg-boss'
import postgres from 'postgres'

export const JOBS_SCHEMA = 'clinai_jobs'

/** Retried with exponential backoff (2 s, 4 s, 8 s, … at most 5 min); heartbeats show a live worker. */
const durable = {
  retryLimit: 5,
  retryDelay: 2,
  retryBackoff: true,
  retryDelayMax: 300,
  // A worker that stops heartbeating (killed, crashed) loses its job after this, and
  // another instance (or this one after a restart) takes it up again.
  heartbeatSeconds: 10,
  expireInSeconds: 60 * 60,
  deleteAfterSeconds: 7 * 24 * 3600,
} satisfies Omit<Queue, 'name'>

/** Every queue the application works on. */
export const queues = {
  /** One person's export archive. Payload: { tenantId, userId, exportId }. */
  exportData: { name: 'export-data', options: durable },
  /** One person's erasure. Payload: { tenantId, receiptId }. */
  erasePerson: { name: 'erase-person', options: durable },
  /** One clinic's retention and export expiry. Payload: { tenantId }. */
  clinicMaintenance: { name: 'clinic-maintenance', options: { ...durable, policy: 'singleton' } },
  /** The daily schedule that fans out to clinic-maintenance. No payload. */
  maintenanceSweep: { name: 'maintenance-sweep', options: { ...durable, retryLimit: 2 } },
} as const satisfies Record<string, { name: string; options: Omit<Queue, 'name'> }>

export async function installJobQueues(ownerUrl: string): Promise<void> {
  const boss = new PgBoss({
    connectionString: ownerUrl,
    schema: JOBS_SCHEMA,
    max: 2,
    application_name: 'clinai-owner',
    supervise: false,
    schedule: false,
  })
  boss.on('error', () => {})
  await boss.start()
  try {
    for (const { name, options } of Object.values(queues)) {
      if (await boss.getQueue(name)) {
        // pg-boss fixes a queue's policy when it is created and refuses to be told it again,
        // so a database migrated before (every `npm run dev` after the first) updates the rest.
        const { policy: _fixed, ...changeable } = options as Omit<Queue, 'name'>
        await boss.updateQueue(name, changeable)
      } else await boss.createQueue(name, options)
    }
  } finally {
    await boss.stop({ graceful: false })
  }
  const sql = postgres(ownerUrl, { max: 1, onnotice: () => {} })
  try {
    await sql.unsafe(`
      grant usage on schema ${JOBS_SCHEMA} to clinai_app;
      grant select, insert, update, delete on all tables in schema ${JOBS_SCHEMA} to clinai_app;
      grant usage, select on all sequences in schema ${JOBS_SCHEMA} to clinai_app;
      grant execute on all functions in schema ${JOBS_SCHEMA} to clinai_app;
      alter default privileges in schema ${JOBS_SCHEMA} grant select, insert, update, delete on tables to clinai_app;
      alter default privileges in schema ${JOBS_SCHEMA} grant usage, select on sequences to clinai_app;
    `)
  } finally {
    await sql.end()
  }
}
