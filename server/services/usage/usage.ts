// Token usage this calendar month (UTC): the caller's own, the clinic's, and
// what is left of the clinic's monthly budget.
import { and, eq, sql } from 'drizzle-orm'
import type { Tx } from '#db/client.ts'
import { tenants, usage } from '#db/schema/index.ts'
import type { Caller } from '#server/services/caller.ts'

export interface MyUsage {
  /** The month counted, `YYYY-MM` (UTC). */
  month: string
  /** Prompt plus completion tokens. */
  myTokens: number
  clinicTokens: number
  monthlyBudget: number
  /** The clinic's budget minus what the clinic used; never below zero. */
  remaining: number
}

export async function getMyUsage(tx: Tx, caller: Caller): Promise<MyUsage> {
  // The database's clock decides the month, the same clock that dates usage rows.
  const monthStart = sql`date_trunc('month', now() at time zone 'UTC')::date`
  const tokens = sql`${usage.promptTokens} + ${usage.completionTokens}`
  const [row] = await tx
    .select({
      month: sql<string>`to_char(${monthStart}, 'YYYY-MM')`,
      myTokens: sql<string>`coalesce(sum(${tokens}) filter (where ${usage.userId} = ${caller.userId}), 0)::text`,
      clinicTokens: sql<string>`coalesce(sum(${tokens}), 0)::text`,
    })
    .from(usage)
    .where(
      and(
        eq(usage.tenantId, caller.tenantId),
        sql`${usage.day} >= ${monthStart}`,
        sql`${usage.day} < (${monthStart} + interval '1 month')::date`,
      ),
    )
  const [clinic] = await tx
    .select({ budget: tenants.monthlyTokenBudget })
    .from(tenants)
    .where(eq(tenants.id, caller.tenantId))
  const clinicTokens = Number(row?.clinicTokens ?? 0)
  const monthlyBudget = clinic?.budget ?? 0
  return {
    month: row!.month,
    myTokens: Number(row?.myTokens ?? 0),
    clinicTokens,
    monthlyBudget,
    remaining: Math.max(0, monthlyBudget - clinicTokens),
  }
}
