import { sql } from 'drizzle-orm'
import { foreignKey, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { createdAt, tenantKey } from './columns.ts'
import { tenantIsolation } from './rls.ts'
import { tenants } from './tenants.ts'
import { userRole } from './users.ts'

/**
 * A person an admin has invited by email, name and role, until they first sign in: then
 * the user row is created with this id and role, and the invitation is gone. Its id is the
 * person's future user id, so an invitation and the person it becomes are one reference.
 */
export const invitations = pgTable(
  'invitations',
  {
    ...tenantKey,
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: userRole('role').notNull(),
    /** The admin who invited. */
    actorUserId: uuid('actor_user_id'),
    createdAt,
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({
      columns: [t.tenantId],
      foreignColumns: [tenants.id],
      name: 'invitations_tenant_fk',
    }).onDelete('cascade'),
    uniqueIndex('invitations_tenant_email_key').on(t.tenantId, sql`lower(${t.email})`),
    tenantIsolation(t.tenantId),
  ],
)
