// Sign-out ends the session on the server (revoked, audited), not just in the browser.
import { and, eq } from 'drizzle-orm'
import { sessions } from '#db/schema/index.ts'
import type { AppContext } from '#server/app-context.ts'
import { recordAuditEvent } from '#server/services/audit/record.ts'
import { clearSessionCookie, readSessionCookie, revokeSession } from './sessions.ts'

/** Revokes the request's session, if any, and returns the Set-Cookie value that clears it. */
export async function endSession(
  services: AppContext,
  cookieHeader: string | null,
  requestId: string,
): Promise<string> {
  const ref = await readSessionCookie(services.config, cookieHeader)
  if (ref) {
    await services.db.withTenant({ tenantId: ref.tenantId, userId: null, role: 'system' }, async (tx) => {
      const [session] = await tx
        .select({ userId: sessions.userId })
        .from(sessions)
        .where(and(eq(sessions.tenantId, ref.tenantId), eq(sessions.id, ref.sessionId)))
      await revokeSession(tx, ref)
      if (session) {
        await recordAuditEvent(tx, {
          tenantId: ref.tenantId,
          actorUserId: session.userId,
          action: 'auth.signed_out',
          targetType: 'user',
          targetId: session.userId,
          requestId,
        })
      }
    })
  }
  return clearSessionCookie(services.config)
}
