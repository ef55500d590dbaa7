// A person's own personal access tokens: create (secret shown once), list, revoke.
import { and, desc, eq, isNull } from 'drizzle-orm'
import type { Tx } from '#db/client.ts'
import { apiTokens } from '#db/schema/index.ts'
import { generateToken } from '#server/auth/tokens.ts'
import { recordAuditEvent } from '#server/services/audit/record.ts'
import type { Caller } from '#server/services/caller.ts'

export interface TokenSummary {
  id: string
  name: string
  displayPrefix: string
  createdAt: string
  expiresAt: string | null
  lastUsedAt: string | null
  revokedAt: string | null
}

/** How many live tokens one person may hold; enough for scripts, bounded against abuse. */
export const MAX_ACTIVE_TOKENS = 20

export async function createApiToken(
  tx: Tx,
  owner: Caller,
  input: { name: string; expiresInDays: number | null },
  meta: { requestId?: string; actorUserId: string | null },
): Promise<TokenSummary & { token: string }> {
  const active = await tx
    .select({ id: apiTokens.id })
    .from(apiTokens)
    .where(
      and(
        eq(apiTokens.tenantId, owner.tenantId),
        eq(apiTokens.userId, owner.userId),
        isNull(apiTokens.revokedAt),
      ),
    )
  if (active.length >= MAX_ACTIVE_TOKENS) throw new TokenLimitError()
  const secret = generateToken(owner.tenantId)
  const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null
  const [row] = await tx
    .insert(apiTokens)
    .values({
      tenantId: owner.tenantId,
      userId: owner.userId,
      name: input.name,
      displayPrefix: secret.displayPrefix,
      secretHash: secret.secretHash,
      expiresAt,
    })
    .returning()
  await recordAuditEvent(tx, {
    tenantId: owner.tenantId,
    actorUserId: meta.actorUserId,
    action: 'token.created',
    targetType: 'api_token',
    targetId: row!.id,
    requestId: meta.requestId,
    details: { userId: owner.userId, expiresInDays: input.expiresInDays },
  })
  return { ...toSummary(row!), token: secret.token }
}

export async function listApiTokens(tx: Tx, owner: Caller): Promise<TokenSummary[]> {
  const rows = await tx
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.tenantId, owner.tenantId), eq(apiTokens.userId, owner.userId)))
    .orderBy(desc(apiTokens.createdAt))
  return rows.map(toSummary)
}

/**
 * Revokes every live token of a person (they were disabled): for good, so enabling them
 * again does not bring old scripts back. Returns how many were revoked.
 */
export async function revokeAllApiTokens(tx: Tx, owner: Caller): Promise<number> {
  const rows = await tx
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(
      and(
        eq(apiTokens.tenantId, owner.tenantId),
        eq(apiTokens.userId, owner.userId),
        isNull(apiTokens.revokedAt),
      ),
    )
    .returning({ id: apiTokens.id })
  return rows.length
}

/** Revokes one of the owner's tokens; false when there is no such token of theirs. */
export async function revokeApiToken(
  tx: Tx,
  owner: Caller,
  tokenId: string,
  meta: { requestId?: string },
): Promise<boolean> {
  const [row] = await tx
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(
      and(
        eq(apiTokens.tenantId, owner.tenantId),
        eq(apiTokens.userId, owner.userId),
        eq(apiTokens.id, tokenId),
        isNull(apiTokens.revokedAt),
      ),
    )
    .returning({ id: apiTokens.id })
  if (!row) return false
  await recordAuditEvent(tx, {
    tenantId: owner.tenantId,
    actorUserId: owner.userId,
    action: 'token.revoked',
    targetType: 'api_token',
    targetId: row.id,
    requestId: meta.requestId,
  })
  return true
}

export class TokenLimitError extends Error {
  constructor() {
    super(`at most ${MAX_ACTIVE_TOKENS} active tokens`)
    this.name = 'TokenLimitError'
  }
}

function toSummary(row: typeof apiTokens.$inferSelect): TokenSummary {
  return {
    id: row.id,
    name: row.name,
    displayPrefix: row.displayPrefix,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  }
}
