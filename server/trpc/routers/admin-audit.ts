import { z } from 'zod'
import {
  auditFilterChoices,
  exportAuditEvents,
  listAuditEvents,
  verifyAuditChain,
} from '#server/services/audit/trail.ts'
import { adminProcedure, router } from '../init.ts'

/** The most events one CSV download holds; `truncated` says when there were more. */
export const AUDIT_EXPORT_MAX = 10_000

const day = z
  .string()
  .regex(/^20[2-9]\d-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'invalid_format')
  .refine((value) => {
    // A day that exists: 2026-02-30 does not.
    const [year, month, date] = value.split('-').map(Number) as [number, number, number]
    return new Date(Date.UTC(year, month - 1, date)).getUTCDate() === date
  }, 'invalid_value')

const filters = {
  /** Only events by this person (a user id of the caller's clinic). */
  actor: z.uuid().nullable().optional(),
  /** Only events of this action, e.g. `user.role_changed`. */
  action: z
    .string()
    .regex(/^[a-z][a-z0-9_.]{2,63}$/, 'invalid_format')
    .nullable()
    .optional(),
  /** From this day on, `YYYY-MM-DD` in the clinics' time zone (Europe/Berlin), inclusive. */
  from: day.nullable().optional(),
  /** Up to and including this day, `YYYY-MM-DD` in the clinics' time zone. */
  to: day.nullable().optional(),
}

export const adminAuditRouter = router({
  /**
   * The caller's clinic's audit events, newest first, filtered by actor, action and date range.
   * `limit` 1 to 100 (default 50); pass `nextCursor` back as `cursor` for older events. Each event
   * has its place in the clinic's hash chain (`seq`). Identifiers and codes only. Admins only.
   */
  list: adminProcedure
    .input(
      z.strictObject({
        ...filters,
        cursor: z
          .string()
          .regex(/^[1-9]\d{0,15}$/, 'invalid_cursor')
          .nullable()
          .optional(),
        limit: z.number().int().min(1).max(100).default(50),
      }),
    )
    .query(({ ctx, input }) => listAuditEvents(ctx.tx, ctx.identity, input)),

  /**
   * Every event matching the filters, newest first, at most 10 000 (`truncated` says when there
   * were more): what the CSV download holds. Admins only.
   */
  export: adminProcedure
    .input(z.strictObject(filters).optional())
    .query(({ ctx, input }) => exportAuditEvents(ctx.tx, ctx.identity, input ?? {}, AUDIT_EXPORT_MAX)),

  /** The actions and the people that occur in the clinic's trail, for the filters. Admins only. */
  filters: adminProcedure.query(({ ctx }) => auditFilterChoices(ctx.tx, ctx.identity)),

  /**
   * Verifies the clinic's hash chain from its first event: `verifiedUpTo` is the last event up to
   * which every link holds, `firstBad` the first event that does not verify (its `seq`, id and
   * `problem`: `sequence_gap`, `predecessor_mismatch` or `content_mismatch`), or null. Admins only.
   */
  verify: adminProcedure.query(({ ctx }) => verifyAuditChain(ctx.tx, ctx.identity)),
})
