// Personal access tokens for scripts: `clinai_pat_<clinic id>_<secret>`.
// The prefix makes a leaked token easy to recognise (and to scan for); the
// clinic id lets the lookup run inside withTenant like everything else; only
// the secret's hash is stored.
import { sql } from 'drizzle-orm'
import { tenantContextSchema, type Tx } from '#db/client.ts'
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

export interface ParsedToken {
  tenantId: string
  secretHash: string
}

export function parseToken(token: string): ParsedToken | null {
  const match = TOKEN_PATTERN.exec(token)
  if (!match) return null
  const hex = match[1]!
  const tenantId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
  // 32 hex digits are not always a UUID (version and variant bits): such a token is just malformed.
  if (!tenantContextSchema.shape.tenantId.safeParse(tenantId).success) return null
  return { tenantId, secretHash: hashSecret(match[2]!) }
}

/**
 * Inside the request's transaction, as its first statement: the identity behind a live token of
 * an active user, or null (unknown, revoked, expired, disabled). clinai_authenticate_token sets
 * the token's clinic, reads it under RLS, touches last_used_at at most once a minute and sets the
 * person and role for the rest of the transaction: one round trip.
 */
export async function checkToken(tx: Tx, token: ParsedToken): Promise<Identity | null> {
  const rows = await tx.execute<{ token_id: string; person_id: string; person_role: Identity['role'] }>(
    sql`select token_id, person_id, person_role from clinai_authenticate_token(${token.tenantId}::uuid, ${token.secretHash}::text, ${new Date().toISOString()}::timestamptz, ${TOUCH_EVERY_MS}::bigint)`,
  )
  const row = rows[0]
  if (!row) return null
  return {
    tenantId: token.tenantId,
    userId: row.person_id,
    role: row.person_role,
    via: 'token',
    credentialId: row.token_id,
  }
}
