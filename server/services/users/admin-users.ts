// People administration within one clinic: list, invite, change role, disable/enable,
// withdraw an invitation. A clinic always keeps at least one active admin.
// An invitation is a row of its own until the person first signs in with that email
// (server/auth/sign-in.ts), as the CLI's first admin is bound by email.
import { and, asc, eq, ne, sql } from 'drizzle-orm'
import type { Tx } from '#db/client.ts'
import { erasureReceipts, invitations, users } from '#db/schema/index.ts'
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

export interface PersonSummary extends UserSummary {
  /** Prompt plus completion tokens this calendar month (UTC). */
  tokensThisMonth: number
  /** Erased, or being erased: kept only as a name placeholder for the audit trail; nothing to change. */
  erased: boolean
}

export interface InvitationSummary {
  /** The id the person's user will have once they sign in. */
  id: string
  email: string
  name: string
  role: 'therapist' | 'admin'
  createdAt: string
}

export class UserExistsError extends Error {
  constructor() {
    super('someone with that email is already in the clinic')
    this.name = 'UserExistsError'
  }
}

/** An erased person (or one being erased) keeps their id for the audit trail and nothing else. */
export class PersonErasedError extends Error {
  constructor() {
    super('the person was erased')
    this.name = 'PersonErasedError'
  }
}

export class LastAdminError extends Error {
  constructor() {
    super('a clinic needs at least one active admin')
    this.name = 'LastAdminError'
  }
}

export async function listUsers(tx: Tx, actor: AdminActor): Promise<PersonSummary[]> {
  const monthStart = sql`date_trunc('month', now() at time zone 'UTC')::date`
  const rows = await tx
    .select({
      user: users,
      // Qualified by hand: Drizzle renders columns inside a select-list fragment unqualified, and
      // "tenant_id" = "tenant_id" would compare the usage row with itself.
      tokens: sql<string>`coalesce((select sum(u."prompt_tokens" + u."completion_tokens") from "usage" u
        where u."tenant_id" = "users"."tenant_id" and u."user_id" = "users"."id"
          and u."day" >= ${monthStart}), 0)::text`,
      // Qualified by hand: Drizzle renders columns inside a select-list fragment unqualified.
      erased: sql<boolean>`exists (select 1 from "erasure_receipts" r
        where r."tenant_id" = "users"."tenant_id" and r."subject_user_id" = "users"."id")`,
    })
    .from(users)
    .where(eq(users.tenantId, actor.tenantId))
    .orderBy(asc(users.name))
  return rows.map((row) => ({
    ...toSummary(row.user),
    tokensThisMonth: Number(row.tokens),
    erased: row.erased,
  }))
}

export async function listInvitations(tx: Tx, actor: AdminActor): Promise<InvitationSummary[]> {
  const rows = await tx
    .select()
    .from(invitations)
    .where(eq(invitations.tenantId, actor.tenantId))
    .orderBy(asc(invitations.createdAt), asc(invitations.id))
  return rows.map((row) => ({
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    createdAt: row.createdAt.toISOString(),
  }))
}

/**
 * Pre-provisions a person by email, name and role; audited (without the email or name).
 * Throws UserExistsError when the email is already someone's, or already invited, in the clinic.
 */
export async function inviteUser(
  tx: Tx,
  actor: AdminActor,
  input: { email: string; name: string; role: 'therapist' | 'admin' },
  meta: { requestId?: string },
): Promise<InvitationSummary> {
  const email = input.email.toLowerCase()
  const [member] = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.tenantId, actor.tenantId), sql`lower(${users.email}) = ${email}`))
  if (member) throw new UserExistsError()
  const [invited] = await tx
    .insert(invitations)
    .values({
      tenantId: actor.tenantId,
      email,
      name: input.name,
      role: input.role,
      actorUserId: actor.userId,
    })
    // The unique index on (tenant, lower(email)) settles two invitations at once.
    .onConflictDoNothing()
    .returning()
  if (!invited) throw new UserExistsError()
  await recordAuditEvent(tx, {
    tenantId: actor.tenantId,
    actorUserId: actor.userId,
    action: 'user.invited',
    targetType: 'user',
    targetId: invited.id,
    requestId: meta.requestId,
    details: { role: input.role },
  })
  return {
    id: invited.id,
    email: invited.email,
    name: invited.name,
    role: invited.role,
    createdAt: invited.createdAt.toISOString(),
  }
}

/** Deletes a pending invitation; false when the clinic has no such invitation. */
export async function withdrawInvitation(
  tx: Tx,
  actor: AdminActor,
  invitationId: string,
  meta: { requestId?: string },
): Promise<boolean> {
  const [withdrawn] = await tx
    .delete(invitations)
    .where(and(eq(invitations.tenantId, actor.tenantId), eq(invitations.id, invitationId)))
    .returning({ id: invitations.id })
  if (!withdrawn) return false
  await recordAuditEvent(tx, {
    tenantId: actor.tenantId,
    actorUserId: actor.userId,
    action: 'user.invitation_withdrawn',
    targetType: 'user',
    targetId: invitationId,
    requestId: meta.requestId,
  })
  return true
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
  const [erasure] = await tx
    .select({ id: erasureReceipts.id })
    .from(erasureReceipts)
    .where(and(eq(erasureReceipts.tenantId, actor.tenantId), eq(erasureReceipts.subjectUserId, targetUserId)))
    .limit(1)
  if (erasure) throw new PersonErasedError()

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
