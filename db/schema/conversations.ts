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
    // A folder's list (or "no folder") by recency, as the index above serves the whole list.
    index('conversations_tenant_owner_folder_recent_idx').on(
      t.tenantId,
      t.ownerUserId,
      t.folderId,
      t.lastMessageAt.desc(),
      t.id,
    ),
    // The folder foreign key's lookups (a folder deleted moves its conversations).
    index('conversations_tenant_folder_idx').on(t.tenantId, t.folderId),
    // Search (the clinai_search_conversations function, migration 0008): one GIN index holds the
    // clinic, the person and the words (btree_gin), so a search reads only that person's entries;
    // trigrams find a word inside a German compound ("Therapie" in "Verhaltenstherapie").
    index('conversations_owner_search_idx').using('gin', t.tenantId, t.ownerUserId, t.searchVector),
    index('conversations_owner_title_trgm_idx').using(
      'gin',
      t.tenantId,
      t.ownerUserId,
      t.title.op('gin_trgm_ops'),
    ),
    tenantIsolation(t.tenantId),
    ownerOnly(t.ownerUserId),
  ],
)
