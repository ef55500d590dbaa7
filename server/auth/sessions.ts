// Browser sessions in PostgreSQL, so they can be revoked. The cookie carries
// the clinic id and a random secret, signed with SESSION_SECRET; the database
// keeps only the secret's hash. Idle and absolute lifetimes are both enforced.
import { createCookie } from '@remix-run/node'
import { and, eq, isNull, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { Tx } from '#db/client.ts'
import { sessions } from '#db/schema/index.ts'
import type { Config } from '#server/config/env.ts'
import type { Identity } from './identity.ts'
import { hashSecret, randomSecret } from './secrets.ts'

const cookieValue = z.object({ t: z.uuid(), s: z.string().min(40).max(64) })

/** Don't write last_seen_at on every request; a minute's precision is plenty for a 30-minute idle timeout. */
const TOUCH_EVERY_MS = 60_000

export function sessionCookie(config: Config) {
  const { secureCookie, secrets, absoluteHours } = config.session
  // __Host- pins the cookie to this host, path / and HTTPS.
  return createCookie(secureCookie ? '__Host-clinai_session' : 'clinai_session', {
    httpOnly: true,
    secure: secureCookie,
    sameSite: 'lax',
    path: '/',
    secrets,
    maxAge: absoluteHours * 3600,
  })
}

export async function createSession(
  tx: Tx,
  config: Config,
  user: { tenantId: string; userId: string },
): Promise<{ setCookie: string; sessionId: string }> {
  // A new id at every sign-in: a cookie planted before sign-in is never promoted.
  const secret = randomSecret()
  const sessionId = hashSecret(secret)
  await tx.insert(sessions).values({
    tenantId: user.tenantId,
    id: sessionId,
    userId: user.userId,
    expiresAt: new Date(Date.now() + config.session.absoluteHours * 3600_000),
  })
  const setCookie = await sessionCookie(config).serialize({ t: user.tenantId, s: secret })
  return { setCookie, sessionId }
}

export interface SessionRef {
  tenantId: string
  sessionId: string
}

/** Reads the signed cookie; null when absent, unsigned, tampered or malformed. */
export async function readSessionCookie(
  config: Config,
  cookieHeader: string | null,
): Promise<SessionRef | null> {
  if (!cookieHeader) return null
  const parsed = cookieValue.safeParse(await sessionCookie(config).parse(cookieHeader))
  if (!parsed.success) return null
  return { tenantId: parsed.data.t, sessionId: hashSecret(parsed.data.s) }
}

/**
 * Inside the request's transaction, as its first statement: the identity behind a live session
 * of an active user, or null. clinai_authenticate_session (migration authenticate_in_transaction)
 * sets the cookie's clinic, reads the session and its person under RLS, refuses a revoked,
 * expired, idle or disabled one, touches last_seen_at at most once a minute and sets the person
 * and role for the rest of the transaction: one round trip. The times are this process's clock,
 * as the session's own times are.
 */
export async function checkSession(tx: Tx, config: Config, ref: SessionRef): Promise<Identity | null> {
  const rows = await tx.execute<{ person_id: string; person_role: Identity['role'] }>(
    sql`select person_id, person_role from clinai_authenticate_session(${ref.tenantId}::uuid, ${ref.sessionId}::text, ${new Date().toISOString()}::timestamptz, ${config.session.idleMinutes * 60_000}::bigint, ${TOUCH_EVERY_MS}::bigint)`,
  )
  const row = rows[0]
  if (!row) return null
  return {
    tenantId: ref.tenantId,
    userId: row.person_id,
    role: row.person_role,
    via: 'session',
    credentialId: ref.sessionId,
  }
}

export async function revokeSession(tx: Tx, ref: SessionRef): Promise<void> {
  await tx
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(
      and(eq(sessions.tenantId, ref.tenantId), eq(sessions.id, ref.sessionId), isNull(sessions.revokedAt)),
    )
}

export async function revokeUserSessions(tx: Tx, user: { tenantId: string; userId: string }): Promise<void> {
  await tx
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(
      and(eq(sessions.tenantId, user.tenantId), eq(sessions.userId, user.userId), isNull(sessions.revokedAt)),
    )
}

export async function clearSessionCookie(config: Config): Promise<string> {
  return sessionCookie(config).serialize('', { maxAge: 0, expires: new Date(0) })
}
