import { getRetentionStatus } from '#server/services/retention/retention.ts'
import { adminProcedure, router } from '../init.ts'

export const adminRetentionRouter = router({
  /**
   * The clinic's retention period and the last run of the daily retention job: when it ran, the
   * period it applied and how many conversations and messages it deleted (null before the first run).
   * The period itself is set with `admin.settings.update` (`retentionDays`, 7 to 3650, or null). Admins only.
   */
  status: adminProcedure.query(({ ctx }) => getRetentionStatus(ctx.tx, ctx.identity)),
})
