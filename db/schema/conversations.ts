import { foreignKey, index, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { searchVector, tenantKey, timestamps } from './columns.ts'
import { folders } from './folders.ts'
import { ownerOnly, tenantIsolation } from './rls.ts'
import { users } from './users.ts'

export const conversations = pgTable(
  'conversations',
  {
    ...tenantKey,
    ownerUserId: uuid('owner_user_id').notNull(),
    /** Null means "no folder". Deleting a folder moves its conversations here first (never a silent delete). */
    folderId: uuid('folder_id'),
    title: text('title').notNull(),
    searchVector: searchVector('title'),
    lastMessageAt: timestamp('last_message_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    ...timestamps,
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({
      columns: [t.tenantId, t.ownerUserId],
      foreignColumns: [users.tenantId, users.id],
      name: 'conversations_owner_fk',
    }).onDelete('cascade'),
    // Composite: a conversation can never point at another clinic's folder.
    foreignKey({
      columns: [t.tenantId, t.folderId],
      foreignColumns: [folders.tenantId, folders.id],
      name: 'conversations_folder_fk',
    }),
    index('conversations_tenant_owner_recent_idx').on(
      t.tenantId,
      t.ownerUserId,
      t.lastMessageAt.desc(),
      t.id,
    ),
    index('conversations_tenant_folder_idx').on(t.tenantId, t.folderId),
    index('conversations_search_idx').using('gin', t.searchVector),
    tenantIsolation(t.tenantId),
    ownerOnly(t.ownerUserId),
  ],
)
