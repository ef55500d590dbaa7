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
    index('folders_tenant_owner_idx').on(t.tenantId, t.ownerUserId, t.name),
    tenantIsolation(t.tenantId),
    ownerOnly(t.ownerUserId),
  ],
)
