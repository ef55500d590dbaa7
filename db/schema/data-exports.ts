import { sql } from 'drizzle-orm'
import {
  bigint,
  check,
  foreignKey,
  index,
  integer,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core'
import { tenantKey, timestamps } from './columns.ts'
import { ownerOnly, tenantIsolation } from './rls.ts'
import { users } from './users.ts'

/** queued → running → done (downloadable until expires_at) → expired; or failed with a code. */
export const exportStatus = pgEnum('export_status', ['queued', 'running', 'done', 'failed', 'expired'])

/**
 * A person's request for an archive of their own data (GDPR Art. 15 and 20), and the
 * state of the job that writes it. The archive itself is a blob; this row says where,
 * and it belongs to its owner alone, like the content it holds.
 */
export const dataExports = pgTable(
  'data_exports',
  {
    ...tenantKey,
    ownerUserId: uuid('owner_user_id').notNull(),
    status: exportStatus('status').notNull().default('queued'),
    /** 0 to 100 while running: the share of conversations written so far. */
    progress: integer('progress').notNull().default(0),
    /** Why it failed, as a code for the browser to turn into a sentence (`storage_unavailable`, …). */
    errorCode: text('error_code'),
    /** The blob's name inside the container: `<tenant>/users/<owner>/exports/<id>.zip`. */
    blobName: text('blob_name'),
    sizeBytes: bigint('size_bytes', { mode: 'number' }),
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'date' }),
    /** After this the archive is no longer handed out and the maintenance job deletes its blob. */
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
    ...timestamps,
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({
      columns: [t.tenantId, t.ownerUserId],
      foreignColumns: [users.tenantId, users.id],
      name: 'data_exports_owner_fk',
    }).onDelete('cascade'),
    index('data_exports_tenant_owner_idx').on(t.tenantId, t.ownerUserId, t.createdAt.desc()),
    check('data_exports_progress_range', sql`${t.progress} between 0 and 100`),
    tenantIsolation(t.tenantId),
    ownerOnly(t.ownerUserId),
  ],
)
