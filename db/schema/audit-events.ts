import {
  bigint,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
  foreignKey,
} from 'drizzle-orm/pg-core'
import { createdAt, tenantKey } from './columns.ts'
import { tenantIsolation } from './rls.ts'
import { tenants } from './tenants.ts'

/**
 * Append-only trail of who did what: identifiers only, never clinical text.
 * No updated_at: the app role may insert and read, never change or delete.
 * Tamper-evident: each clinic's events form a hash chain (server/services/audit/chain.ts),
 * numbered 1, 2, 3… by `seq` and appended under a per-clinic lock.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    ...tenantKey,
    actorUserId: uuid('actor_user_id'),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    requestId: text('request_id'),
    /** Identifiers and codes only (e.g. `{ "role": "admin" }`), validated by the audit service. */
    details: jsonb('details').$type<Record<string, string | number | boolean | null>>(),
    createdAt,
    /** The event's place in its clinic's chain, from 1, without gaps. */
    seq: bigint('seq', { mode: 'number' }).notNull(),
    /** The predecessor's `hash` (64 zeros for the first event). */
    prevHash: text('prev_hash').notNull(),
    /** sha256 (hex) of the event's canonical JSON, which includes `seq` and `prevHash`. */
    hash: text('hash').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({
      columns: [t.tenantId],
      foreignColumns: [tenants.id],
      name: 'audit_events_tenant_fk',
    }).onDelete('cascade'),
    index('audit_events_tenant_time_idx').on(t.tenantId, t.createdAt.desc()),
    // One event per place in the chain: two writers can never both append event N.
    uniqueIndex('audit_events_tenant_seq_key').on(t.tenantId, t.seq),
    tenantIsolation(t.tenantId),
  ],
)
