import { sql } from 'drizzle-orm'
import { foreignKey, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
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
    // One name per person, letter case aside; also the list's order, so it is an index scan.
    uniqueIndex('folders_tenant_owner_name_key').on(t.tenantId, t.ownerUserId, sql`lower(${t.name})`),
    tenantIsolation(t.tenantId),
    ownerOnly(t.ownerUserId),
  ],
)
