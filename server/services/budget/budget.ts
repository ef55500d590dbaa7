// The money side of a chat request: a person's own monthly cap (a clinic setting, next
// to the clinic's budget) and the alerts when the clinic passes 80 % and 100 % of its
// budget. Months are calendar months in UTC, on the database's clock, as usage rows are.
import { and, eq, sql } from 'drizzle-orm'
import type { Tx } from '#db/client.ts'
import { budgetAlerts, tenants, usage } from '#db/schema/index.ts'
import { recordAuditEvent } from '#server/services/audit/record.ts'
import type { Caller } from '#server/services/caller.ts'

/** The shares of the monthly budget at which admins are alerted, in percent. */
export const BUDGET_THRESHOLDS = [80, 100] as const

const monthStart = sql`date_trunc('month', now() at time zone 'UTC')::date`
const inThisMonth = and(
  sql`${usage.day} >= ${monthStart}`,
  sql`${usage.day} < (${monthStart} + interval '1 month')::date`,
)
const tokens = sql`${usage.promptTokens} + ${usage.completionTokens}`

/** The clinic's settings a generation starts with, read by the budget check's own statement. */
export interface GenerationSettings {
  modelDeployment: string | null
  systemPrompt: string | null
  pseudonymise: boolean
  neverSendTerms: string[]
}

/**
 * Whether a new answer may start: the clinic's budget left this month, and the person's own
 * cap (when the clinic sets one) not used up; with the clinic's model and prompt settings from
 * the same row. One statement, since every chat request and note section asks it before
 * calling the model.
 */
export async function checkBudget(
  tx: Tx,
  caller: Caller,
): Promise<{
  refusal: 'budget_exhausted' | 'user_budget_exhausted' | null
  settings: GenerationSettings | null
}> {
  // Columns qualified by hand: Drizzle renders them unqualified inside a select-list fragment.
  const [row] = await tx.execute<{
    budget: number
    cap: number | null
    clinic: string
    mine: string
    model_deployment: string | null
    system_prompt: string | null
    pseudonymise: boolean
    never_send_terms: string[]
  }>(sql`
    select t."monthly_token_budget" as budget, t."user_monthly_token_cap" as cap,
           coalesce(m.clinic, 0)::text as clinic, coalesce(m.mine, 0)::text as mine,
           t."model_deployment", t."system_prompt", t."pseudonymise", t."never_send_terms"
      from "tenants" t
      left join lateral (
        select sum(u."prompt_tokens" + u."completion_tokens") as clinic,
               sum(u."prompt_tokens" + u."completion_tokens") filter (where u."user_id" = ${caller.userId}) as mine
          from "usage" u
         where u."tenant_id" = t."id"
           and u."day" >= ${monthStart} and u."day" < (${monthStart} + interval '1 month')::date
      ) m on true
     where t."id" = ${caller.tenantId}`)
  if (!row) return { refusal: 'budget_exhausted', settings: null }
  const settings: GenerationSettings = {
    modelDeployment: row.model_deployment,
    systemPrompt: row.system_prompt,
    pseudonymise: row.pseudonymise,
    neverSendTerms: row.never_send_terms,
  }
  if (row.budget - Number(row.clinic) <= 0) return { refusal: 'budget_exhausted', settings }
  if (row.cap !== null && Number(row.mine) >= row.cap) return { refusal: 'user_budget_exhausted', settings }
  return { refusal: null, settings }
}

/** checkBudget's refusal alone. */
export async function budgetRefusal(
  tx: Tx,
  caller: Caller,
): Promise<'budget_exhausted' | 'user_budget_exhausted' | null> {
  return (await checkBudget(tx, caller)).refusal
}

/**
 * Records each threshold the clinic has passed this month, once: the unique key on
 * (tenant, month, threshold) lets only the first of concurrent callers write the row and
 * its `budget.threshold_reached` audit event. Called where usage is added (the end of an
 * answer), so a budget lowered below a threshold is recorded with the next answer; the
 * banner admins see is computed from usage on every page load and needs no record.
 */
export async function recordBudgetAlerts(tx: Tx, tenantId: string, meta: { requestId?: string } = {}) {
  const [row] = await tx
    .select({
      month: sql<string>`to_char(${monthStart}, 'YYYY-MM-DD')`,
      used: sql<string>`coalesce((select sum(${tokens}) from ${usage} where ${usage.tenantId} = ${tenantId} and ${inThisMonth}), 0)::text`,
      budget: tenants.monthlyTokenBudget,
    })
    .from(tenants)
    .where(eq(tenants.id, tenantId))
  if (!row) return
  const used = Number(row.used)
  for (const threshold of BUDGET_THRESHOLDS) {
    if (used * 100 < row.budget * threshold || (row.budget === 0 && used === 0)) continue
    const [inserted] = await tx
      .insert(budgetAlerts)
      .values({ tenantId, month: row.month, threshold })
      .onConflictDoNothing()
      .returning({ id: budgetAlerts.id })
    if (!inserted) continue
    await recordAuditEvent(tx, {
      tenantId,
      actorUserId: null,
      action: 'budget.threshold_reached',
      targetType: 'tenant',
      targetId: tenantId,
      requestId: meta.requestId,
      details: { month: row.month.slice(0, 7), threshold, budget: row.budget, used },
    })
  }
}
