import { sql, type SQL } from 'drizzle-orm'
import {
  foreignKey,
  index,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core'
import { tenantKey, timestamps } from './columns.ts'
import { folders } from './folders.ts'
import { ownerOnly, tenantIsolation } from './rls.ts'
import { users } from './users.ts'

/**
 * The full-text document of a text column: German and English stems side by side,
 * so "Therapie" finds "Therapien" and "session" finds "sessions". An expression (not
 * a stored column) keeps `select *` rows small; the search service queries with this
 * same expression so that the GIN indexes on it are used.
 */
export function searchDocument(column: AnyPgColumn): SQL {
  return sql`(to_tsvector('german'::regconfig, ${column}) || to_tsvector('english'::regconfig, ${column}))`
}

export const conversations = pgTable(
  'conversations',
  {
    ...tenantKey,
    ownerUserId: uuid('owner_user_id').notNull(),
    /** Null means "no folder". Deleting a folder moves its conversations here first (never a silent delete). */
    folderId: uuid('folder_id'),
    title: text('title').notNull(),
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
    index('conversations_title_search_idx').using('gin', searchDocument(t.title)),
    tenantIsolation(t.tenantId),
    ownerOnly(t.ownerUserId),
  ],
)
