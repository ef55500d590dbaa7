// The audit trail: who did what to which id, when, under which request.
// Identifiers and codes only: details are checked so that free text (a
// prompt, a name, a note) can never be written here by mistake. Every event is
// appended to its clinic's hash chain (./chain.ts) under a per-clinic lock.
import { randomUUID } from 'node:crypto'
import { desc, eq, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { Tx } from '#db/client.ts'
import { auditEvents } from '#db/schema/index.ts'
import { eventHash, GENESIS_HASH } from './chain.ts'

const code = /^[A-Za-z0-9_.:@/+-]{1,100}$/

export const auditEventSchema = z.object({
  tenantId: z.uuid(),
  actorUserId: z.uuid().nullable(),
  action: z.string().regex(/^[a-z][a-z0-9_.]{2,63}$/),
  targetType: z
    .string()
    .regex(/^[a-z_]{1,40}$/)
    .optional(),
  targetId: z.string().regex(code).optional(),
  requestId: z.string().regex(code).optional(),
  details: z
    .record(
      z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/),
      z.union([z.string().regex(code), z.number().finite(), z.boolean(), z.null()]),
    )
    .refine((value) => Object.keys(value).length <= 20, 'at most 20 details')
    .optional(),
})

export type AuditEvent = z.infer<typeof auditEventSchema>

export async function recordAuditEvent(tx: Tx, event: AuditEvent): Promise<void> {
  const valid = auditEventSchema.parse(event)
  // One writer per clinic at a time, until this transaction ends: two concurrent
  // writers would otherwise both read event N and both append N + 1 (the unique
  // (tenant_id, seq) index would refuse the second, failing its whole request).
  // Other clinics are not held up, bar a rare collision of the 64-bit lock key.
  await tx.execute(
    sql`select pg_advisory_xact_lock(hashtextextended(${`clinai.audit:${valid.tenantId}`}, 0))`,
  )
  const [last] = await tx
    .select({ seq: auditEvents.seq, hash: auditEvents.hash })
    .from(auditEvents)
    .where(eq(auditEvents.tenantId, valid.tenantId))
    .orderBy(desc(auditEvents.seq))
    .limit(1)
  // Milliseconds, as the hash sees them: the stored time reads back exactly.
  const createdAt = new Date()
  const content = {
    tenantId: valid.tenantId,
    id: randomUUID(),
    seq: (last?.seq ?? 0) + 1,
    prevHash: last?.hash ?? GENESIS_HASH,
    actorUserId: valid.actorUserId,
    action: valid.action,
    targetType: valid.targetType ?? null,
    targetId: valid.targetId ?? null,
    requestId: valid.requestId ?? null,
    details: valid.details ?? null,
    createdAt: createdAt.toISOString(),
  }
  await tx.insert(auditEvents).values({ ...content, createdAt, hash: eventHash(content) })
}
