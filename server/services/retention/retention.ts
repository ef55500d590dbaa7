// A clinic's retention period applied: conversations with no activity for longer than it
// are deleted with their messages. Run by the clinic-maintenance job, one clinic at a
// time and each person in their own context, so row-level security scopes every delete.
import { and, desc, eq, inArray, lt, sql } from 'drizzle-orm'
import type { Database, Tx } from '#db/client.ts'
import { auditEvents, conversations, messages, tenants, users } from '#db/schema/index.ts'
import { recordAuditEvent } from '#server/services/audit/record.ts'
import type { ClinicCaller } from '#server/services/caller.ts'

export const RETENTION_AUDIT_ACTION = 'retention.applied'

export interface RetentionResult {
  retentionDays: number | null
  conversations: number
  messages: number
}

/** "No activity": neither a message nor a change (rename, move) since the cutoff. */
const lastActivity = sql`greatest(${conversations.lastMessageAt}, ${conversations.updatedAt})`

export async function applyRetention(db: Database, tenantId: string): Promise<RetentionResult> {
  const clinic = { tenantId, userId: null, role: 'system' as const }
  const { retentionDays, people } = await db.withTenant(clinic, async (tx) => {
    const [row] = await tx
      .select({ retentionDays: tenants.retentionDays })
      .from(tenants)
      .where(eq(tenants.id, tenantId))
    const people = await tx.select({ id: users.id }).from(users).where(eq(users.tenantId, tenantId))
    return { retentionDays: row?.retentionDays ?? null, people }
  })
  const result: RetentionResult = { retentionDays, conversations: 0, messages: 0 }
  if (retentionDays === null) return result
  for (const person of people) {
    const removed = await db.withTenant({ tenantId, userId: person.id, role: 'system' }, async (tx) => {
      const old = tx
        .select({ id: conversations.id })
        .from(conversations)
        .where(
          and(
            eq(conversations.tenantId, tenantId),
            eq(conversations.ownerUserId, person.id),
            lt(lastActivity, sql`now() - make_interval(days => ${retentionDays})`),
          ),
        )
        .for('update', { skipLocked: true })
      const ids = (await old).map((row) => row.id)
      if (ids.length === 0) return { conversations: 0, messages: 0 }
      const [{ n }] = (await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(messages)
        .where(and(eq(messages.tenantId, tenantId), inArray(messages.conversationId, ids)))) as [
        { n: number },
      ]
      const deleted = await tx
        .delete(conversations)
        .where(and(eq(conversations.tenantId, tenantId), inArray(conversations.id, ids)))
        .returning({ id: conversations.id })
      return { conversations: deleted.length, messages: n }
    })
    result.conversations += removed.conversations
    result.messages += removed.messages
  }
  await db.withTenant(clinic, (tx) =>
    recordAuditEvent(tx, {
      tenantId,
      actorUserId: null,
      action: RETENTION_AUDIT_ACTION,
      targetType: 'tenant',
      targetId: tenantId,
      details: { retentionDays, conversations: result.conversations, messages: result.messages },
    }),
  )
  return result
}

export interface RetentionStatus {
  /** The clinic's current setting. */
  retentionDays: number | null
  /** The last run that applied a period, or null if none has yet. */
  lastRun: { ranAt: string; retentionDays: number; conversations: number; messages: number } | null
}

export async function getRetentionStatus(tx: Tx, admin: ClinicCaller): Promise<RetentionStatus> {
  const [clinic] = await tx
    .select({ retentionDays: tenants.retentionDays })
    .from(tenants)
    .where(eq(tenants.id, admin.tenantId))
  const [event] = await tx
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.tenantId, admin.tenantId), eq(auditEvents.action, RETENTION_AUDIT_ACTION)))
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
    .limit(1)
  const details = event?.details ?? {}
  return {
    retentionDays: clinic?.retentionDays ?? null,
    lastRun: event
      ? {
          ranAt: event.createdAt.toISOString(),
          retentionDays: Number(details.retentionDays ?? 0),
          conversations: Number(details.conversations ?? 0),
          messages: Number(details.messages ?? 0),
        }
      : null,
  }
}
