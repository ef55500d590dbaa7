import { sql } from 'drizzle-orm'
import { foreignKey, index, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core'
import { tenantKey, timestamps } from './columns.ts'
import { ownerOnly, tenantIsolation } from './rls.ts'
import { users } from './users.ts'

export const folders = pgTable(
  'folders',
  {
    ...tenantKey,
    ownerUserId: uuid('owner_user_id').notNull(),
    name: text('name').notNull(),
    ...timestamps,
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({
      columns: [t.tenantId, t.ownerUserId],
      foreignColumns: [users.tenantId, users.id],
      name: 'folders_owner_fk',
    }).onDelete('cascade'),
    // The list's order (lower(name), id): an index scan, never a sort.
    index('folders_tenant_owner_name_idx').on(t.tenantId, t.ownerUserId, sql`lower(${t.name})`, t.id),
    tenantIsolation(t.tenantId),
    ownerOnly(t.ownerUserId),
  ],
)
