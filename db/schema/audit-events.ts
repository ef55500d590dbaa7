import { index, jsonb, pgTable, primaryKey, text, uuid, foreignKey } from 'drizzle-orm/pg-core'
import { createdAt, tenantKey } from './columns.ts'
import { tenantIsolation } from './rls.ts'
import { tenants } from './tenants.ts'

/**
 * Append-only trail of who did what: identifiers only, never clinical text.
 * No updated_at: the app role may insert and read, never change or delete.
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
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({
      columns: [t.tenantId],
      foreignColumns: [tenants.id],
      name: 'audit_events_tenant_fk',
    }).onDelete('cascade'),
    index('audit_events_tenant_time_idx').on(t.tenantId, t.createdAt.desc()),
    tenantIsolation(t.tenantId),
  ],
)
