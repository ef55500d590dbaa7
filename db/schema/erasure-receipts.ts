import { sql } from 'drizzle-orm'
import {
  foreignKey,
  jsonb,
  pgEnum,
  pgPolicy,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import { tenantKey, timestamps } from './columns.ts'
import { appRole, tenantIsolation } from './rls.ts'
import { users } from './users.ts'

export const erasureStatus = pgEnum('erasure_status', ['queued', 'running', 'done', 'failed'])

/**
 * The erasure of one person of a clinic and, once done, its receipt: what was removed,
 * counted per table and per blob prefix, when, and at whose request. Counts and ids only.
 * The person's row in `users` stays (name and email replaced) so the audit trail keeps
 * its ids; one receipt per person.
 */
export const erasureReceipts = pgTable(
  'erasure_receipts',
  {
    ...tenantKey,
    subjectUserId: uuid('subject_user_id').notNull(),
    /** The admin who asked; null when the operator did (offboarding). */
    requestedByUserId: uuid('requested_by_user_id'),
    status: erasureStatus('status').notNull().default('queued'),
    errorCode: text('error_code'),
    /** Rows deleted per table, written by clinai_erase_person (migration 0012) in its own transaction. */
    tableCounts: jsonb('table_counts').$type<Record<string, number>>(),
    /** Blobs found (and then deleted) per prefix. */
    blobCounts: jsonb('blob_counts').$type<Record<string, number>>(),
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'date' }),
    ...timestamps,
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({
      columns: [t.tenantId, t.subjectUserId],
      foreignColumns: [users.tenantId, users.id],
      name: 'erasure_receipts_subject_fk',
    }).onDelete('cascade'),
    foreignKey({
      columns: [t.tenantId, t.requestedByUserId],
      foreignColumns: [users.tenantId, users.id],
      name: 'erasure_receipts_requester_fk',
    }).onDelete('cascade'),
    uniqueIndex('erasure_receipts_tenant_subject_key').on(t.tenantId, t.subjectUserId),
    tenantIsolation(t.tenantId),
    // Only the erasure job (a system context) moves a receipt on; an admin's request can
    // create one but never rewrite what it says.
    pgPolicy('system_updates', {
      as: 'restrictive',
      for: 'update',
      to: appRole,
      using: sql`(select current_setting('app.role', true)) = 'system'`,
      withCheck: sql`(select current_setting('app.role', true)) = 'system'`,
    }),
  ],
)
