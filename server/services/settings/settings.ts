// A clinic's settings, read and changed by its admins. A change is audited by
// the names of the fields that changed, never their values: a system prompt
// may hold clinical instructions.
import { eq } from 'drizzle-orm'
import type { Tx } from '#db/client.ts'
import { tenants } from '#db/schema/index.ts'
import { recordAuditEvent } from '#server/services/audit/record.ts'
import type { Caller, ClinicCaller } from '#server/services/caller.ts'

export interface ClinicSettings {
  displayName: string
  /** Null: the server's default deployment. */
  modelDeployment: string | null
  systemPrompt: string | null
  monthlyTokenBudget: number
  /** The most tokens one person may use in a month; null: only the clinic's budget applies. */
  userMonthlyTokenCap: number | null
  /** Null: keep conversations for ever. */
  retentionDays: number | null
  /** The language of everyone in the clinic who has not chosen one. */
  defaultLocale: 'de' | 'en'
  /** Signed consultation notes are kept this many years after signing (section 630f BGB: 10). */
  noteRetentionYears: number
  /** Patient details are replaced by placeholders before any prompt leaves the server (on by default). */
  pseudonymise: boolean
  /** The clinic's own words never sent to the model (its street, its people), as whole words. */
  neverSendTerms: string[]
  updatedAt: string
}

export type SettingsChange = Partial<Omit<ClinicSettings, 'updatedAt'>>

const columns = {
  displayName: 'name',
  modelDeployment: 'modelDeployment',
  systemPrompt: 'systemPrompt',
  monthlyTokenBudget: 'monthlyTokenBudget',
  userMonthlyTokenCap: 'userMonthlyTokenCap',
  retentionDays: 'retentionDays',
  defaultLocale: 'defaultLocale',
  noteRetentionYears: 'noteRetentionYears',
  pseudonymise: 'pseudonymise',
  neverSendTerms: 'neverSendTerms',
} as const satisfies Record<keyof SettingsChange, keyof typeof tenants.$inferSelect>

export async function getSettings(tx: Tx, admin: ClinicCaller): Promise<ClinicSettings | null> {
  const [row] = await tx.select().from(tenants).where(eq(tenants.id, admin.tenantId))
  return row ? toSettings(row) : null
}

/** Applies the given fields; records `settings.updated` with the names of those that really changed. */
export async function updateSettings(
  tx: Tx,
  admin: Caller,
  change: SettingsChange,
  meta: { requestId?: string },
): Promise<ClinicSettings | null> {
  const [current] = await tx.select().from(tenants).where(eq(tenants.id, admin.tenantId)).for('update')
  if (!current) return null
  const changed = (Object.keys(columns) as Array<keyof SettingsChange>).filter(
    (field) => change[field] !== undefined && !same(change[field], current[columns[field]]),
  )
  if (changed.length === 0) return toSettings(current)
  const values = Object.fromEntries(changed.map((field) => [columns[field], change[field]]))
  const [row] = await tx.update(tenants).set(values).where(eq(tenants.id, admin.tenantId)).returning()
  await recordAuditEvent(tx, {
    tenantId: admin.tenantId,
    actorUserId: admin.userId,
    action: 'settings.updated',
    targetType: 'tenant',
    targetId: admin.tenantId,
    requestId: meta.requestId,
    details: Object.fromEntries(changed.map((field) => [field, true])),
  })
  return toSettings(row!)
}

const same = (a: unknown, b: unknown) =>
  Array.isArray(a) || Array.isArray(b) ? JSON.stringify(a) === JSON.stringify(b) : a === b

function toSettings(row: typeof tenants.$inferSelect): ClinicSettings {
  return {
    displayName: row.name,
    modelDeployment: row.modelDeployment,
    systemPrompt: row.systemPrompt,
    monthlyTokenBudget: row.monthlyTokenBudget,
    userMonthlyTokenCap: row.userMonthlyTokenCap,
    retentionDays: row.retentionDays,
    defaultLocale: row.defaultLocale,
    noteRetentionYears: row.noteRetentionYears,
    pseudonymise: row.pseudonymise,
    neverSendTerms: row.neverSendTerms,
    updatedAt: row.updatedAt.toISOString(),
  }
}
