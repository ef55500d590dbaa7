// Readiness for App Service's health check (`GET /ready`): can this instance do its work?
// Each dependency is checked at once, in parallel, each within a short timeout, and named
// with a state, never with a host, a key or an error message.
//   database  a round trip on the app's pool
//   jobs      the job queue's own pool reaches its schema, and the runner is running
//   blob      the exports container's account answers us (a Blob outage degrades exports only, so it
//             does not take the instance out of the load balancer)
import type { Database } from '#db/client.ts'
import type { BlobStorage } from '#server/storage/blob.ts'

export type CheckState = 'ok' | 'unreachable' | 'missing' | 'not_configured' | 'stopped'

export interface ReadinessReport {
  /** `ready` 200; `degraded` 200 (Blob only); `unavailable` 503 (database or job queue). */
  status: 'ready' | 'degraded' | 'unavailable'
  checks: { database: CheckState; jobs: CheckState; blob: CheckState }
}

/** What the job runner offers the check: undefined until it has started. */
export interface JobsHealth {
  check(signal: AbortSignal): Promise<CheckState>
}

export interface Readiness {
  /** The runner starts after the services (it needs them); it reports here once running. */
  attachJobs(jobs: JobsHealth): void
  check(timeoutMs?: number): Promise<ReadinessReport>
}

export function createReadiness(db: Database, storage: BlobStorage | undefined): Readiness {
  let jobs: JobsHealth | undefined
  return {
    attachJobs(health) {
      jobs = health
    },
    async check(timeoutMs = 1500) {
      const signal = AbortSignal.timeout(timeoutMs)
      const [database, jobState, blob] = await Promise.all([
        within(signal, () => db.ping(timeoutMs).then(() => 'ok' as const)),
        jobs ? within(signal, () => jobs!.check(signal)) : Promise.resolve<CheckState>('stopped'),
        storage
          ? // An answer either way proves the account reachable and the credential accepted; the
            // container itself is created by the first export.
            within(signal, () => storage.container.exists({ abortSignal: signal }).then(() => 'ok' as const))
          : Promise.resolve<CheckState>('not_configured'),
      ])
      const checks = { database, jobs: jobState, blob }
      const status =
        database !== 'ok' || jobState !== 'ok'
          ? 'unavailable'
          : blob === 'ok' || blob === 'not_configured'
            ? 'ready'
            : 'degraded'
      return { status, checks }
    },
  }
}

/** The check's state, or `unreachable` when it fails or outlasts the signal. */
async function within(signal: AbortSignal, check: () => Promise<CheckState>): Promise<CheckState> {
  let onAbort: (() => void) | undefined
  const timedOut = new Promise<CheckState>((resolve) => {
    onAbort = () => resolve('unreachable')
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    return await Promise.race([check().catch((): CheckState => 'unreachable'), timedOut])
  } finally {
    signal.removeEventListener('abort', onAbort!)
  }
}
