// The pseudonym mapping of one conversation or one note: which placeholder stands for which
// patient detail, and the prompt last sent to the model ("what the model saw"), sealed with
// AES-256-GCM by the server (server/services/pseudonymise/crypto.ts), so the database holds only
// ciphertext. Owner-only like the content it belongs to, and gone with it (cascade) or with its
// owner (clinai_erase_person).
import { sql } from 'drizzle-orm'
import { check, foreignKey, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { tenantKey, timestamps } from './columns.ts'
import { conversations } from './conversations.ts'
import { notes } from './notes.ts'
import { ownerOnly, tenantIsolation } from './rls.ts'
import { users } from './users.ts'

export const pseudonymMaps = pgTable(
  'pseudonym_maps',
  {
    ...tenantKey,
    ownerUserId: uuid('owner_user_id').notNull(),
    /** Exactly one of conversation and note. */
    conversationId: uuid('conversation_id'),
    noteId: uuid('note_id'),
    /** `v1.<key id>.<iv>.<tag>.<ciphertext>`, base64; the associated data names this row's clinic and scope. */
    sealed: text('sealed').notNull(),
    ...timestamps,
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({
      columns: [t.tenantId, t.ownerUserId],
      foreignColumns: [users.tenantId, users.id],
      name: 'pseudonym_maps_owner_fk',
    }),
    foreignKey({
      columns: [t.tenantId, t.conversationId],
      foreignColumns: [conversations.tenantId, conversations.id],
      name: 'pseudonym_maps_conversation_fk',
    }).onDelete('cascade'),
    foreignKey({
      columns: [t.tenantId, t.noteId],
      foreignColumns: [notes.tenantId, notes.id],
      name: 'pseudonym_maps_note_fk',
    }).onDelete('cascade'),
    uniqueIndex('pseudonym_maps_conversation_key').on(t.tenantId, t.conversationId),
    uniqueIndex('pseudonym_maps_note_key').on(t.tenantId, t.noteId),
    check('pseudonym_maps_one_scope', sql`(${t.conversationId} is null) <> (${t.noteId} is null)`),
    tenantIsolation(t.tenantId),
    ownerOnly(t.ownerUserId),
  ],
)
