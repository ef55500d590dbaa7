import { z } from 'zod'
import { getClinicUsage, getClinicUsageRows, MONTH_PATTERN } from '#server/services/usage/clinic-usage.ts'
import { adminProcedure, router } from '../init.ts'

const monthInput = z.strictObject({
  /** `YYYY-MM` (UTC) from 2020-01 to 2099-12; null or left out: the current month. */
  month: z.string().regex(MONTH_PATTERN, 'invalid_format').nullable().optional(),
})

export const adminUsageRouter = router({
  /**
   * The caller's clinic's usage in one calendar month (UTC): requests and tokens per day (every
   * day, zeros included), per person and per model, the month's totals, the monthly budget and
   * what is left of it. Sums over the usage roll-up; identifiers and counts only. Admins only.
   */
  month: adminProcedure
    .input(monthInput.optional())
    .query(({ ctx, input }) => getClinicUsage(ctx.tx, ctx.identity, { month: input?.month ?? null })),

  /**
   * The month's usage roll-up rows as stored, one per day, person and model, ordered by day:
   * what the CSV download holds. Admins only.
   */
  rows: adminProcedure
    .input(monthInput.optional())
    .query(({ ctx, input }) => getClinicUsageRows(ctx.tx, ctx.identity, { month: input?.month ?? null })),
})
