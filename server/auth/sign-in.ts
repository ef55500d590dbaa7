// What happens once the identity provider has vouched for someone: find or
// provision the user inside the clinic their token names, refuse what must be
// refused, and open a fresh session. The clinic's own audit trail records it.
import { and, eq, isNull, ne, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { Database, Tx } from '#db/client.ts'
import { invitations, tenants, users } from '#db/schema/index.ts'
import type { Config } from '#server/config/env.ts'
import { recordAuditEvent } from '#server/services/audit/record.ts'
import type { Identity } from './identity.ts'
import { SignInError, type VerifiedClaims } from './oidc.ts'
import { createSession } from './sessions.ts'

export interface SignedIn {
  identity: Identity
  setCookie: string
}

type Outcome =
  | { ok: true; signedIn: SignedIn }
  | { ok: false; reason: 'user_disabled' | 'identity_conflict'; userId: string }

export async function completeSignIn(
  db: Database,
  config: Config,
  claims: VerifiedClaims,
  requestId: string,
): Promise<SignedIn> {
  const tenantId = z.uuid().safeParse(claims.tenantId)
  if (!tenantId.success) throw new SignInError('unknown_tenant')

  const outcome = await db.withTenant(
    { tenantId: tenantId.data, userId: null, role: 'system' },
    async (tx): Promise<Outcome | null> => {
      const [tenant] = await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, tenantId.data))
      if (!tenant) return null
      const user = await findOrProvisionUser(tx, tenant.id, claims)
      const refusal = user.conflict ? 'identity_conflict' : user.status !== 'active' ? 'user_disabled' : null
      if (refusal || user.conflict) {
        await recordAuditEvent(tx, {
          tenantId: tenant.id,
          // A clashing identity is not that user: it acts as nobody.
          actorUserId: refusal === 'identity_conflict' ? null : user.id,
          action: 'auth.sign_in_failed',
          targetType: 'user',
          targetId: user.id,
          requestId,
          details: { reason: refusal },
        })
        return { ok: false, reason: refusal ?? 'identity_conflict', userId: user.id }
      }
      const { setCookie, sessionId } = await createSession(tx, config, {
        tenantId: tenant.id,
        userId: user.id,
      })
      await recordAuditEvent(tx, {
        tenantId: tenant.id,
        actorUserId: user.id,
        action: 'auth.signed_in',
        targetType: 'user',
        targetId: user.id,
        requestId,
        details: { provisioned: user.provisioned, invitationAccepted: user.invited },
      })
      return {
        ok: true,
        signedIn: {
          identity: {
            tenantId: tenant.id,
            userId: user.id,
            role: user.role,
            via: 'session',
            credentialId: sessionId,
          },
          setCookie,
        },
      }
    },
  )
  if (!outcome) throw new SignInError('unknown_tenant')
  if (!outcome.ok) throw new SignInError(outcome.reason, tenantId.data, outcome.userId)
  return outcome.signedIn
}

async function findOrProvisionUser(tx: Tx, tenantId: string, claims: VerifiedClaims) {
  const columns = { id: users.id, role: users.role, status: users.status, oidcSubject: users.oidcSubject }
  const [bySubject] = await tx
    .select(columns)
    .from(users)
    .where(
      and(
        eq(users.tenantId, tenantId),
        eq(users.oidcIssuer, claims.issuer),
        eq(users.oidcSubject, claims.subject),
      ),
    )
  // An admin pre-provisioned by email (operator CLI) is bound to their identity at first sign-in.
  const [invited] = bySubject
    ? []
    : await tx
        .select(columns)
        .from(users)
        .where(
          and(
            eq(users.tenantId, tenantId),
            sql`lower(${users.email}) = ${claims.email}`,
            isNull(users.oidcSubject),
          ),
        )
  const existing = bySubject ?? invited
  if (!existing) {
    // The email already belongs to another identity in this clinic: never merge accounts silently.
    const [taken] = await tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.tenantId, tenantId), sql`lower(${users.email}) = ${claims.email}`))
    if (taken) return { conflict: true as const, id: taken.id }
    // A person an admin invited joins with the invited role, under the invitation's id.
    const [invitation] = await tx
      .delete(invitations)
      .where(and(eq(invitations.tenantId, tenantId), sql`lower(${invitations.email}) = ${claims.email}`))
      .returning({ id: invitations.id, role: invitations.role })
    const [created] = await tx
      .insert(users)
      .values({
        ...(invitation ? { id: invitation.id } : {}),
        tenantId,
        oidcIssuer: claims.issuer,
        oidcSubject: claims.subject,
        email: claims.email,
        name: claims.name,
        // The claim decides only at provisioning; afterwards the database is authoritative.
        role: invitation?.role ?? (claims.role === 'admin' ? 'admin' : 'therapist'),
        lastSignInAt: new Date(),
      })
      .returning(columns)
    return { ...created!, provisioned: true, invited: Boolean(invitation), conflict: false as const }
  }
  // Refresh name and email, unless the email now belongs to someone else in the clinic.
  const [clash] = await tx
    .select({ id: users.id })
    .from(users)
    .where(
      and(
        eq(users.tenantId, tenantId),
        sql`lower(${users.email}) = ${claims.email}`,
        ne(users.id, existing.id),
      ),
    )
  await tx
    .update(users)
    .set({
      name: claims.name,
      ...(clash ? {} : { email: claims.email }),
      oidcIssuer: claims.issuer,
      oidcSubject: claims.subject,
      lastSignInAt: new Date(),
    })
    .where(and(eq(users.tenantId, tenantId), eq(users.id, existing.id)))
  return { ...existing, provisioned: false, invited: false, conflict: false as const }
}
