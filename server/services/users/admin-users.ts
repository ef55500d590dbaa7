// People administration within one clinic: list, change role, disable/enable.
// A clinic always keeps at least one active admin.
import { and, asc, eq, ne, sql } from 'drizzle-orm'
import type { Tx } from '#db/client.ts'
import { users } from '#db/schema/index.ts'
import { revokeUserSessions } from '#server/auth/sessions.ts'
import { recordAuditEvent } from '#server/services/audit/record.ts'
import { revokeAllApiTokens } from '#server/services/tokens/api-tokens.ts'

export interface AdminActor {
  tenantId: string
  userId: string
}

export interface UserSummary {
  id: string
  email: string
  name: string
  role: 'therapist' | 'admin'
  status: 'active' | 'disabled'
  lastSignInAt: string | null
  createdAt: string
}

export class LastAdminError extends Error {
  constructor() {
    super('a clinic needs at least one active admin')
    this.name = 'LastAdminError'
  }
}

export async function listUsers(tx: Tx, actor: AdminActor): Promise<UserSummary[]> {
  const rows = await tx
    .select()
    .from(users)
    .where(eq(users.tenantId, actor.tenantId))
    .orderBy(asc(users.name))
  return rows.map(toSummary)
}

type Change = { role: 'therapist' | 'admin' } | { status: 'active' | 'disabled' }

/** Applies a role or status change; null when the user is not in the actor's clinic. */
export async function changeUser(
  tx: Tx,
  actor: AdminActor,
  targetUserId: string,
  change: Change,
  meta: { requestId?: string },
): Promise<UserSummary | null> {
  // Lock the clinic's admins so two concurrent demotions cannot both pass the check.
  await tx.execute(
    sql`select id from ${users} where ${users.tenantId} = ${actor.tenantId} and ${users.role} = 'admin' for update`,
  )
  const [target] = await tx
    .select()
    .from(users)
    .where(and(eq(users.tenantId, actor.tenantId), eq(users.id, targetUserId)))
  if (!target) return null

  const losesAdmin =
    target.role === 'admin' &&
    target.status === 'active' &&
    (('role' in change && change.role !== 'admin') || ('status' in change && change.status !== 'active'))
  if (losesAdmin) {
    const [other] = await tx
      .select({ id: users.id })
      .from(users)
      .where(
        and(
          eq(users.tenantId, actor.tenantId),
          eq(users.role, 'admin'),
          eq(users.status, 'active'),
          ne(users.id, targetUserId),
        ),
      )
      .limit(1)
    if (!other) throw new LastAdminError()
  }

  const [updated] = await tx
    .update(users)
    .set(change)
    .where(and(eq(users.tenantId, actor.tenantId), eq(users.id, targetUserId)))
    .returning()
  // Disabling ends every way in at once; enabling again revives none of them.
  let tokensRevoked = 0
  if ('status' in change && change.status === 'disabled') {
    await revokeUserSessions(tx, { tenantId: actor.tenantId, userId: targetUserId })
    tokensRevoked = await revokeAllApiTokens(tx, { tenantId: actor.tenantId, userId: targetUserId })
  }
  await recordAuditEvent(tx, {
    tenantId: actor.tenantId,
    actorUserId: actor.userId,
    action: 'role' in change ? 'user.role_changed' : 'user.status_changed',
    targetType: 'user',
    targetId: targetUserId,
    requestId: meta.requestId,
    details:
      'role' in change
        ? { from: target.role, to: change.role }
        : { from: target.status, to: change.status, tokensRevoked },
  })
  return toSummary(updated!)
}

function toSummary(row: typeof users.$inferSelect): UserSummary {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    status: row.status,
    lastSignInAt: row.lastSignInAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  }
}
