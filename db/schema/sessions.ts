import { foreignKey, index, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { timestamps } from './columns.ts'
import { tenantIsolation } from './rls.ts'
import { users } from './users.ts'

/**
 * Browser sessions, kept in the database so they can be revoked. The id is a
 * hash of the secret in the cookie, so a database dump holds no live session.
 */
export const sessions = pgTable(
  'sessions',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: text('id').notNull(),
    userId: uuid('user_id').notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** The absolute end of the session, whatever the activity. */
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
    ...timestamps,
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({
      columns: [t.tenantId, t.userId],
      foreignColumns: [users.tenantId, users.id],
      name: 'sessions_user_fk',
    }).onDelete('cascade'),
    index('sessions_tenant_user_idx').on(t.tenantId, t.userId),
    tenantIsolation(t.tenantId),
  ],
)
