// Personal access tokens for scripts: `clinai_pat_<clinic id>_<secret>`.
// The prefix makes a leaked token easy to recognise (and to scan for); the
// clinic id lets the lookup run inside withTenant like everything else; only
// the secret's hash is stored.
import { and, eq, isNull } from 'drizzle-orm'
import { tenantContextSchema, type Database } from '#db/client.ts'
import { apiTokens, users } from '#db/schema/index.ts'
import type { Identity } from './identity.ts'
import { hashSecret, randomSecret } from './secrets.ts'

export const TOKEN_PREFIX = 'clinai_pat_'
const TOKEN_PATTERN = /^clinai_pat_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/
const TOUCH_EVERY_MS = 60_000

export interface NewTokenSecret {
  token: string
  secretHash: string
  displayPrefix: string
}

export function generateToken(tenantId: string): NewTokenSecret {
  const secret = randomSecret()
  const token = `${TOKEN_PREFIX}${tenantId.replaceAll('-', '')}_${secret}`
  return { token, secretHash: hashSecret(secret), displayPrefix: `${TOKEN_PREFIX}…${secret.slice(-4)}` }
}

export function parseToken(token: string): { tenantId: string; secretHash: string } | null {
  const match = TOKEN_PATTERN.exec(token)
  if (!match) return null
  const hex = match[1]!
  const tenantId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
  // 32 hex digits are not always a UUID (version and variant bits): such a token is just malformed.
  if (!tenantContextSchema.shape.tenantId.safeParse(tenantId).success) return null
  return { tenantId, secretHash: hashSecret(match[2]!) }
}

/** The identity behind a live token of an active user, or null (unknown, revoked, expired, disabled). */
export async function resolveToken(db: Database, token: string): Promise<Identity | null> {
  const parsed = parseToken(token)
  if (!parsed) return null
  return db.withTenant({ tenantId: parsed.tenantId, userId: null, role: 'system' }, async (tx) => {
    const [row] = await tx
      .select({
        id: apiTokens.id,
        userId: apiTokens.userId,
        expiresAt: apiTokens.expiresAt,
        lastUsedAt: apiTokens.lastUsedAt,
        role: users.role,
        status: users.status,
      })
      .from(apiTokens)
      .innerJoin(users, and(eq(users.tenantId, apiTokens.tenantId), eq(users.id, apiTokens.userId)))
      .where(
        and(
          eq(apiTokens.tenantId, parsed.tenantId),
          eq(apiTokens.secretHash, parsed.secretHash),
          isNull(apiTokens.revokedAt),
        ),
      )
    if (!row || row.status !== 'active') return null
    const now = Date.now()
    if (row.expiresAt && row.expiresAt.getTime() <= now) return null
    if (!row.lastUsedAt || now - row.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
      await tx
        .update(apiTokens)
        .set({ lastUsedAt: new Date(now) })
        .where(and(eq(apiTokens.tenantId, parsed.tenantId), eq(apiTokens.id, row.id)))
    }
    return {
      tenantId: parsed.tenantId,
      userId: row.userId,
      role: row.role,
      via: 'token',
      credentialId: row.id,
    }
  })
}
