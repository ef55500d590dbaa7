// Browser sessions in PostgreSQL, so they can be revoked. The cookie carries
// the clinic id and a random secret, signed with SESSION_SECRET; the database
// keeps only the secret's hash. Idle and absolute lifetimes are both enforced.
import { createCookie } from '@remix-run/node'
import { and, eq, isNull } from 'drizzle-orm'
import { z } from 'zod'
import type { Database, Tx } from '#db/client.ts'
import { sessions, users } from '#db/schema/index.ts'
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

/** The identity behind a live session of an active user, or null. */
export async function resolveSession(
  db: Database,
  config: Config,
  ref: SessionRef,
): Promise<Identity | null> {
  return db.withTenant({ tenantId: ref.tenantId, userId: null, role: 'system' }, async (tx) => {
    const [row] = await tx
      .select({
        userId: sessions.userId,
        lastSeenAt: sessions.lastSeenAt,
        expiresAt: sessions.expiresAt,
        role: users.role,
        status: users.status,
      })
      .from(sessions)
      .innerJoin(users, and(eq(users.tenantId, sessions.tenantId), eq(users.id, sessions.userId)))
      .where(
        and(eq(sessions.tenantId, ref.tenantId), eq(sessions.id, ref.sessionId), isNull(sessions.revokedAt)),
      )
    if (!row) return null
    const now = Date.now()
    const idleLimit = config.session.idleMinutes * 60_000
    if (
      row.status !== 'active' ||
      now >= row.expiresAt.getTime() ||
      now - row.lastSeenAt.getTime() > idleLimit
    ) {
      return null
    }
    if (now - row.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
      await tx
        .update(sessions)
        .set({ lastSeenAt: new Date(now) })
        .where(and(eq(sessions.tenantId, ref.tenantId), eq(sessions.id, ref.sessionId)))
    }
    return {
      tenantId: ref.tenantId,
      userId: row.userId,
      role: row.role,
      via: 'session',
      credentialId: ref.sessionId,
    }
  })
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
