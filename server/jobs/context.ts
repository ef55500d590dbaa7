import type { AppContext } from '#server/app-context.ts'

/** What a job may use: the app-role database (always through withTenant), Blob storage, settings. */
export type JobContext = Pick<AppContext, 'db' | 'storage' | 'config' | 'logger'>

/** A refusal that retrying cannot fix: the job records its code and stops. */
export class PermanentJobError extends Error {
  constructor(readonly code: string) {
    super(code)
    this.name = 'PermanentJobError'
  }
}
