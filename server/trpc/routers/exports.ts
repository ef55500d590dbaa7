import { listExports, requestExport } from '#server/services/exports/exports.ts'
import { router, tenantProcedure } from '../init.ts'

export const exportsRouter = router({
  /**
   * Asks for an archive of everything that is the caller's (GDPR Art. 15 and 20): conversations with
   * their messages, folders, and consultation notes once they exist. A job writes it; `exports.list`
   * shows its progress. While one is queued or running, this returns that one instead of a second.
   * The archive downloads from `GET /api/exports/<id>` with the same credentials, until it expires.
   */
  create: tenantProcedure.mutation(({ ctx }) =>
    requestExport(ctx.tx, ctx.identity, ctx.services.jobs, { requestId: ctx.requestId }),
  ),

  /**
   * The caller's ten most recent exports, newest first: `queued`, `running` (with `progress` 0–100),
   * `done` (with `downloadPath` and `expiresAt`), `failed` (with `errorCode`) or `expired`.
   */
  list: tenantProcedure.query(({ ctx }) => listExports(ctx.tx, ctx.identity)),
})
