// Erasing a person of a clinic: an admin asks (naming the person to confirm), the
// erase-person job (server/jobs/erase-person.ts) removes their content without reading
// it, and the receipt says what went. The person is locked out the moment it is asked.
import { and, desc, eq, ne, sql } from 'drizzle-orm'
import type { Tx } from '#db/client.ts'
import { erasureReceipts, users } from '#db/schema/index.ts'
import { revokeUserSessions } from '#server/auth/sessions.ts'
import type { JobQueue } from '#server/jobs/queue.ts'
import { recordAuditEvent } from '#server/services/audit/record.ts'
import { revokeAllApiTokens } from '#server/services/tokens/api-tokens.ts'
import { LastAdminError, type AdminActor } from '#server/services/users/admin-users.ts'

export interface ErasureReceipt {
  id: string
  subjectUserId: string
  requestedByUserId: string | null
  status: 'queued' | 'running' | 'done' | 'failed'
  errorCode: string | null
  requestedAt: string
  completedAt: string | null
  /** Rows deleted per table and blobs per prefix; null until the job has counted them. */
  removed: { tables: Record<string, number> | null; blobs: Record<string, number> | null }
}

/** The confirmation did not name the person (their name or email). */
export class ErasureConfirmationError extends Error {
  constructor() {
    super('the confirmation does not name the person')
    this.name = 'ErasureConfirmationError'
  }
}

/** Erasing oneself, or someone already erased (or being erased). */
export class ErasureConflictError extends Error {
  constructor(readonly reason: 'self' | 'already_requested') {
    super(reason)
    this.name = 'ErasureConflictError'
  }
}

/** Null when the person is not in the admin's clinic. */
export async function requestErasure(
  tx: Tx,
  admin: AdminActor,
  subjectUserId: string,
  confirmation: string,
  jobs: JobQueue,
  meta: { requestId?: string },
): Promise<ErasureReceipt | null> {
  // The same lock as role changes, so two requests cannot both pass the last-admin check.
  await tx.execute(
    sql`select id from ${users} where ${users.tenantId} = ${admin.tenantId} and ${users.role} = 'admin' for update`,
  )
  const [subject] = await tx
    .select()
    .from(users)
    .where(and(eq(users.tenantId, admin.tenantId), eq(users.id, subjectUserId)))
  if (!subject) return null
  if (subject.id === admin.userId) throw new ErasureConflictError('self')
  const said = confirmation.trim()
  if (said !== subject.name.trim() && said.toLowerCase() !== subject.email.toLowerCase()) {
    throw new ErasureConfirmationError()
  }
  const [earlier] = await tx
    .select({ id: erasureReceipts.id })
    .from(erasureReceipts)
    .where(and(eq(erasureReceipts.tenantId, admin.tenantId), eq(erasureReceipts.subjectUserId, subject.id)))
  if (earlier) throw new ErasureConflictError('already_requested')
  if (subject.role === 'admin' && subject.status === 'active') {
    const [other] = await tx
      .select({ id: users.id })
      .from(users)
      .where(
        and(
          eq(users.tenantId, admin.tenantId),
          eq(users.role, 'admin'),
          eq(users.status, 'active'),
          ne(users.id, subject.id),
        ),
      )
      .limit(1)
    if (!other) throw new LastAdminError()
  }
  // Locked out now, not when the job gets to it.
  await tx
    .update(users)
    .set({ status: 'disabled' })
    .where(and(eq(users.tenantId, admin.tenantId), eq(users.id, subject.id)))
  await revokeUserSessions(tx, { tenantId: admin.tenantId, userId: subject.id })
  await revokeAllApiTokens(tx, { tenantId: admin.tenantId, userId: subject.id })
  const [receipt] = await tx
    .insert(erasureReceipts)
    .values({ tenantId: admin.tenantId, subjectUserId: subject.id, requestedByUserId: admin.userId })
    .returning()
  await jobs.send(
    tx,
    'erase-person',
    { tenantId: admin.tenantId, receiptId: receipt!.id },
    `erase:${receipt!.id}`,
  )
  await recordAuditEvent(tx, {
    tenantId: admin.tenantId,
    actorUserId: admin.userId,
    action: 'user.erasure_requested',
    targetType: 'user',
    targetId: subject.id,
    requestId: meta.requestId,
    details: { receiptId: receipt!.id },
  })
  return toReceipt(receipt!)
}

/** The receipt for a person of the admin's clinic, or null if none was asked for. */
export async function getErasureReceipt(
  tx: Tx,
  admin: AdminActor,
  subjectUserId: string,
): Promise<ErasureReceipt | null> {
  const [row] = await tx
    .select()
    .from(erasureReceipts)
    .where(
      and(eq(erasureReceipts.tenantId, admin.tenantId), eq(erasureReceipts.subjectUserId, subjectUserId)),
    )
  return row ? toReceipt(row) : null
}

/** Every erasure of the clinic, newest first. */
export async function listErasureReceipts(tx: Tx, admin: AdminActor): Promise<ErasureReceipt[]> {
  const rows = await tx
    .select()
    .from(erasureReceipts)
    .where(eq(erasureReceipts.tenantId, admin.tenantId))
    .orderBy(desc(erasureReceipts.createdAt), desc(erasureReceipts.id))
    .limit(200)
  return rows.map(toReceipt)
}

export function toReceipt(row: typeof erasureReceipts.$inferSelect): ErasureReceipt {
  return {
    id: row.id,
    subjectUserId: row.subjectUserId,
    requestedByUserId: row.requestedByUserId,
    status: row.status,
    errorCode: row.errorCode,
    requestedAt: row.createdAt.toISOString(),
    completedAt: row.completedAt?.toISOString() ?? null,
    removed: { tables: row.tableCounts, blobs: row.blobCounts },
  }
}
