import { sql } from 'drizzle-orm'
import {
  boolean,
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
import { searchVector, tenantKey, timestamps } from './columns.ts'
import { conversations } from './conversations.ts'
import { ownerOnly, tenantIsolation } from './rls.ts'
import { users } from './users.ts'

export const messageRole = pgEnum('message_role', ['user', 'assistant'])
/** Every assistant message ends in a terminal state; `streaming` is only ever temporary. */
export const messageStatus = pgEnum('message_status', ['streaming', 'complete', 'stopped', 'error'])

export const messages = pgTable(
  'messages',
  {
    ...tenantKey,
    conversationId: uuid('conversation_id').notNull(),
    ownerUserId: uuid('owner_user_id').notNull(),
    role: messageRole('role').notNull(),
    content: text('content').notNull().default(''),
    searchVector: searchVector('content'),
    status: messageStatus('status').notNull().default('complete'),
    /** User-safe reason code when status is `error` (e.g. `interrupted`, `content_filter`). */
    errorCode: text('error_code'),
    finishReason: text('finish_reason'),
    model: text('model'),
    promptTokens: integer('prompt_tokens'),
    completionTokens: integer('completion_tokens'),
    /** True when the upstream sent no usage and the counts were estimated. */
    usageEstimated: boolean('usage_estimated').notNull().default(false),
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'date' }),
    ...timestamps,
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({
      columns: [t.tenantId, t.conversationId],
      foreignColumns: [conversations.tenantId, conversations.id],
      name: 'messages_conversation_fk',
    }).onDelete('cascade'),
    foreignKey({
      columns: [t.tenantId, t.ownerUserId],
      foreignColumns: [users.tenantId, users.id],
      name: 'messages_owner_fk',
    }).onDelete('cascade'),
    // The list's order (created_at, role, id), read backwards for newest first.
    index('messages_tenant_conversation_idx').on(t.tenantId, t.conversationId, t.createdAt, t.role, t.id),
    index('messages_tenant_streaming_idx')
      .on(t.tenantId, t.status)
      .where(sql`${t.status} = 'streaming'`),
    // See conversations: the person's words (btree_gin) and trigrams for compounds.
    index('messages_owner_search_idx').using('gin', t.tenantId, t.ownerUserId, t.searchVector),
    index('messages_owner_content_trgm_idx').using(
      'gin',
      t.tenantId,
      t.ownerUserId,
      t.content.op('gin_trgm_ops'),
    ),
    check(
      'messages_tokens_nonnegative',
      sql`coalesce(${t.promptTokens}, 0) >= 0 and coalesce(${t.completionTokens}, 0) >= 0`,
    ),
    tenantIsolation(t.tenantId),
    ownerOnly(t.ownerUserId),
  ],
)
