import { bigint, date, foreignKey, integer, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core'
import { timestamps } from './columns.ts'
import { tenantIsolation } from './rls.ts'
import { users } from './users.ts'

/**
 * Token usage rolled up per clinic, user, day and model, written in the transaction that completes
 * a message. The model is part of the key so that admins can see usage per model without reading
 * message rows, which belong to their authors alone (owner-only RLS).
 */
export const usage = pgTable(
  'usage',
  {
    tenantId: uuid('tenant_id').notNull(),
    userId: uuid('user_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    /** The model (deployment) that answered; '' for usage recorded before models were counted. */
    model: text('model').notNull().default(''),
    requests: integer('requests').notNull().default(0),
    promptTokens: bigint('prompt_tokens', { mode: 'number' }).notNull().default(0),
    completionTokens: bigint('completion_tokens', { mode: 'number' }).notNull().default(0),
    /** Tokens of the above that were estimated because the upstream sent no usage. */
    estimatedTokens: bigint('estimated_tokens', { mode: 'number' }).notNull().default(0),
    ...timestamps,
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.userId, t.day, t.model] }),
    foreignKey({
      columns: [t.tenantId, t.userId],
      foreignColumns: [users.tenantId, users.id],
      name: 'usage_user_fk',
    }).onDelete('cascade'),
    tenantIsolation(t.tenantId),
  ],
)
