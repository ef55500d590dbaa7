// A clinic's usage for one calendar month (UTC), for its admins: per day, per person
// and per model, with totals against the monthly budget. Every figure is a sum over
// the `usage` roll-up, which carries the model, so nothing here reads messages
// (they belong to their authors alone). Identifiers and counts only.
import { and, asc, eq, sql, type SQL } from 'drizzle-orm'
import type { Tx } from '#db/client.ts'
import { tenants, usage, users } from '#db/schema/index.ts'
import type { ClinicCaller } from '#server/services/caller.ts'

/** `YYYY-MM` from 2020-01 to 2099-12. */
export const MONTH_PATTERN = /^20[2-9]\d-(0[1-9]|1[0-2])$/

export interface UsageFigures {
  requests: number
  promptTokens: number
  completionTokens: number
  /** Of the tokens, those estimated because the model sent no usage. */
  estimatedTokens: number
  /** Prompt plus completion tokens. */
  tokens: number
}

export interface ClinicUsage {
  month: string
  /** Every day of the month, in order, zeros included. */
  days: Array<{ day: string } & UsageFigures>
  /** People with usage this month, most tokens first. */
  people: Array<{ userId: string; name: string } & UsageFigures>
  /** Models with usage this month, most tokens first; `model` is '' where it was not recorded. */
  models: Array<{ model: string } & UsageFigures>
  totals: UsageFigures
  /** The clinic's monthly budget as set now (budgets have no history). */
  monthlyBudget: number
  /** The budget minus the month's tokens; never below zero. */
  remaining: number
}

export interface UsageRow extends UsageFigures {
  day: string
  userId: string
  name: string
  model: string
}

const sums = {
  requests: sql<string>`coalesce(sum(${usage.requests}), 0)::bigint::text`,
  promptTokens: sql<string>`coalesce(sum(${usage.promptTokens}), 0)::bigint::text`,
  completionTokens: sql<string>`coalesce(sum(${usage.completionTokens}), 0)::bigint::text`,
  estimatedTokens: sql<string>`coalesce(sum(${usage.estimatedTokens}), 0)::bigint::text`,
}
const tokensSum = sql`coalesce(sum(${usage.promptTokens} + ${usage.completionTokens}), 0)`

function figures(row: Record<keyof typeof sums, string>): UsageFigures {
  const promptTokens = Number(row.promptTokens)
  const completionTokens = Number(row.completionTokens)
  return {
    requests: Number(row.requests),
    promptTokens,
    completionTokens,
    estimatedTokens: Number(row.estimatedTokens),
    tokens: promptTokens + completionTokens,
  }
}

/** The month asked for, or the current one by the database's clock (the clock that dates usage). */
async function resolveMonth(tx: Tx, month: string | null): Promise<string> {
  if (month !== null) return month
  const [row] = await tx.execute<{ month: string }>(
    sql`select to_char(now() at time zone 'UTC', 'YYYY-MM') as month`,
  )
  return row!.month
}

function inMonth(tenantId: string, month: string): SQL {
  const start = `${month}-01`
  return and(
    eq(usage.tenantId, tenantId),
    sql`${usage.day} >= ${start}::date`,
    sql`${usage.day} < (${start}::date + interval '1 month')::date`,
  )!
}

function daysOf(month: string): string[] {
  const [year, index] = month.split('-').map(Number) as [number, number]
  const count = new Date(Date.UTC(year, index, 0)).getUTCDate()
  return Array.from({ length: count }, (_, day) => `${month}-${String(day + 1).padStart(2, '0')}`)
}

export async function getClinicUsage(
  tx: Tx,
  clinic: ClinicCaller,
  input: { month: string | null },
): Promise<ClinicUsage> {
  const month = await resolveMonth(tx, input.month)
  const where = inMonth(clinic.tenantId, month)
  const [byDay, byPerson, byModel, [total], [tenant]] = await Promise.all([
    tx
      .select({ day: usage.day, ...sums })
      .from(usage)
      .where(where)
      .groupBy(usage.day),
    tx
      .select({ userId: usage.userId, name: users.name, ...sums })
      .from(usage)
      .innerJoin(users, and(eq(users.tenantId, usage.tenantId), eq(users.id, usage.userId)))
      .where(where)
      .groupBy(usage.userId, users.name)
      .orderBy(sql`${tokensSum} desc`, asc(users.name), asc(usage.userId)),
    tx
      .select({ model: usage.model, ...sums })
      .from(usage)
      .where(where)
      .groupBy(usage.model)
      .orderBy(sql`${tokensSum} desc`, asc(usage.model)),
    tx.select(sums).from(usage).where(where),
    tx.select({ budget: tenants.monthlyTokenBudget }).from(tenants).where(eq(tenants.id, clinic.tenantId)),
  ])
  const perDay = new Map(byDay.map((row) => [row.day, figures(row)]))
  const zero: UsageFigures = {
    requests: 0,
    promptTokens: 0,
    completionTokens: 0,
    estimatedTokens: 0,
    tokens: 0,
  }
  const totals = figures(total!)
  const monthlyBudget = tenant?.budget ?? 0
  return {
    month,
    days: daysOf(month).map((day) => ({ day, ...(perDay.get(day) ?? zero) })),
    people: byPerson.map((row) => ({ userId: row.userId, name: row.name, ...figures(row) })),
    models: byModel.map((row) => ({ model: row.model, ...figures(row) })),
    totals,
    monthlyBudget,
    remaining: Math.max(0, monthlyBudget - totals.tokens),
  }
}

/** The month's roll-up rows as they are stored (day, person, model), for the CSV download. */
export async function getClinicUsageRows(
  tx: Tx,
  clinic: ClinicCaller,
  input: { month: string | null },
): Promise<{ month: string; rows: UsageRow[] }> {
  const month = await resolveMonth(tx, input.month)
  const rows = await tx
    .select({
      day: usage.day,
      userId: usage.userId,
      name: users.name,
      model: usage.model,
      requests: sql<string>`${usage.requests}::text`,
      promptTokens: sql<string>`${usage.promptTokens}::text`,
      completionTokens: sql<string>`${usage.completionTokens}::text`,
      estimatedTokens: sql<string>`${usage.estimatedTokens}::text`,
    })
    .from(usage)
    .innerJoin(users, and(eq(users.tenantId, usage.tenantId), eq(users.id, usage.userId)))
    .where(inMonth(clinic.tenantId, month))
    .orderBy(asc(usage.day), asc(users.name), asc(usage.userId), asc(usage.model))
  return {
    month,
    rows: rows.map((row) => ({
      day: row.day,
      userId: row.userId,
      name: row.name,
      model: row.model,
      ...figures(row),
    })),
  }
}
