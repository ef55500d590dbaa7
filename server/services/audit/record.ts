// The audit trail: who did what to which id, when, under which request.
// Identifiers and codes only: details are checked so that free text (a
// prompt, a name, a note) can never be written here by mistake.
import { z } from 'zod'
import type { Tx } from '#db/client.ts'
import { auditEvents } from '#db/schema/index.ts'

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
  await tx.insert(auditEvents).values({
    tenantId: valid.tenantId,
    actorUserId: valid.actorUserId,
    action: valid.action,
    targetType: valid.targetType,
    targetId: valid.targetId,
    requestId: valid.requestId,
    details: valid.details,
  })
}
