// The job runner inside the app process: pg-boss on the app role, in the schema the
// owner installed (db/jobs.ts), working every queue and keeping the daily maintenance
// schedule. Several instances share the work safely: pg-boss claims each job with
// SELECT … FOR UPDATE SKIP LOCKED, a job whose worker stops heartbeating (a crash, a
// kill -9) is retried by whichever instance supervises next, and the schedule fires once.
import { PgBoss, type Job } from 'pg-boss'
import { sql } from 'drizzle-orm'
import { JOBS_SCHEMA, queues } from '#db/jobs.ts'
import { expireExports } from '#server/services/exports/expiry.ts'
import { applyRetention } from '#server/services/retention/retention.ts'
import { PermanentJobError, type JobContext } from './context.ts'
import { failErasureJob, runErasureJob } from './erase-person.ts'
import { failExportJob, runExportJob } from './export-data.ts'
import type { JobPayloads } from './queue.ts'
import { SpanKind, SpanStatusCode } from '@opentelemetry/api'
import { recordException, tracer } from '#server/telemetry/index.ts'
import { recordJob } from '#server/telemetry/metrics.ts'
import type { CheckState, JobsHealth } from '#server/health/readiness.ts'
import { startStaleStreamSweep } from './stale-streams.ts'

export interface JobRunner extends JobsHealth {
  stop(): Promise<void>
}

export async function startJobRunner(jobs: JobContext): Promise<JobRunner> {
  const { config, logger } = jobs
  const stopSweep = await startStaleStreamSweep(jobs.db, logger)
  const boss = new PgBoss({
    connectionString: config.database.url,
    schema: JOBS_SCHEMA,
    migrate: false,
    max: 3,
    application_name: 'clinai-jobs',
    // While PostgreSQL is unreachable the queue's pool gives up as quickly as the app's.
    connectionTimeoutMillis: config.database.connectTimeoutMs,
    superviseIntervalSeconds: config.jobs.superviseSeconds,
    monitorIntervalSeconds: config.jobs.superviseSeconds,
  })
  boss.on('error', (error) =>
    // Kind and SQLSTATE only: a database error's message can quote a row's values.
    logger.error({ err: { name: error.name, code: (error as { code?: unknown }).code } }, 'job queue error'),
  )
  await boss.start()

  const options = { pollingIntervalSeconds: config.jobs.pollSeconds, batchSize: 1 }
  await boss.work<JobPayloads['export-data']>(queues.exportData.name, options, ([job]) =>
    measured(job!, () =>
      attempt(jobs, job!, queues.exportData.options.retryLimit, runExportJob, failExportJob),
    ),
  )
  await boss.work<JobPayloads['erase-person']>(queues.erasePerson.name, options, ([job]) =>
    measured(job!, () =>
      attempt(jobs, job!, queues.erasePerson.options.retryLimit, runErasureJob, failErasureJob),
    ),
  )
  await boss.work<JobPayloads['clinic-maintenance']>(queues.clinicMaintenance.name, options, ([job]) =>
    measured(job!, async () => {
      const { tenantId } = job!.data
      const retention = await applyRetention(jobs.db, tenantId)
      const expired = await expireExports(jobs.db, jobs.storage, tenantId)
      logger.info({ tenantId, ...retention, exportsExpired: expired }, 'clinic maintenance done')
    }),
  )
  await boss.work(queues.maintenanceSweep.name, options, ([job]) =>
    measured(job!, async () => {
      // One job per clinic; the key makes a second sweep the same day a no-op.
      const day = new Date().toISOString().slice(0, 10)
      for (const tenantId of await clinicIds(jobs)) {
        await boss.send(queues.clinicMaintenance.name, { tenantId }, { singletonKey: `${tenantId}:${day}` })
      }
    }),
  )
  await boss.schedule(queues.maintenanceSweep.name, config.jobs.maintenanceCron, {}, { tz: 'UTC' })

  let stopped = false
  return {
    async check(): Promise<CheckState> {
      if (stopped) return 'stopped'
      // A round trip on the queue's own pool to the schema the owner installed.
      return (await boss.schemaVersion()) === null ? 'missing' : 'ok'
    },
    async stop() {
      stopped = true
      stopSweep()
      await boss.stop({ graceful: true, timeout: 10_000 })
    },
  }
}

/** One span and the job metrics per attempt: queue, id and outcome, never the payload. */
function measured(job: Job<unknown>, work: () => Promise<void>): Promise<void> {
  return tracer.startActiveSpan(`job ${job.name}`, { kind: SpanKind.CONSUMER }, async (span) => {
    span.setAttributes({
      'messaging.system': 'pg-boss',
      'messaging.destination.name': job.name,
      'messaging.message.id': job.id,
      'clinai.job.retry_count': job.retryCount,
    })
    const began = performance.now()
    try {
      await work()
      recordJob(job.name, 'completed', performance.now() - began)
    } catch (error) {
      recordJob(job.name, 'failed', performance.now() - began)
      recordException(error)
      span.setStatus({ code: SpanStatusCode.ERROR })
      throw error
    } finally {
      span.end()
    }
  })
}

async function clinicIds(jobs: JobContext): Promise<string[]> {
  // Ids only, through a SECURITY DEFINER function (migration 0012): no clinic is in context here.
  const rows = await jobs.db.outsideTenant.execute<{ id: string }>(
    sql`select id from clinai_tenant_ids() as id`,
  )
  return rows.map((row) => row.id)
}

/**
 * Runs one attempt; a permanent refusal, or the last attempt's failure, is written to the
 * row the person sees (as a code) before pg-boss records the job as failed.
 */
async function attempt<T>(
  jobs: JobContext,
  job: Job<T>,
  retryLimit: number,
  run: (jobs: JobContext, data: T) => Promise<void>,
  fail: (jobs: JobContext, data: T, code: string) => Promise<void>,
): Promise<void> {
  try {
    await run(jobs, job.data)
  } catch (error) {
    const permanent = error instanceof PermanentJobError
    const retryCount = job.retryCount
    jobs.logger.warn(
      {
        job: job.name,
        id: job.id,
        retryCount,
        err: { name: (error as Error).name, code: permanent ? error.code : undefined },
      },
      'job attempt failed',
    )
    if (permanent || retryCount >= retryLimit) {
      await fail(jobs, job.data, permanent ? error.code : `${job.name.split('-')[0]}_failed`)
      if (permanent) return
    }
    throw error
  }
}
