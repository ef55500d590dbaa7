import {
  foreignKey,
  index,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import { tenantKey, timestamps } from './columns.ts'
import { tenantIsolation } from './rls.ts'
import { users } from './users.ts'

/** Personal access tokens for scripts. Only a hash of the secret is stored. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    ...tenantKey,
    userId: uuid('user_id').notNull(),
    name: text('name').notNull(),
    /** The first characters of the token, shown in lists so a person can tell tokens apart. */
    displayPrefix: text('display_prefix').notNull(),
    secretHash: text('secret_hash').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
    ...timestamps,
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({
      columns: [t.tenantId, t.userId],
      foreignColumns: [users.tenantId, users.id],
      name: 'api_tokens_user_fk',
    }).onDelete('cascade'),
    uniqueIndex('api_tokens_tenant_hash_key').on(t.tenantId, t.secretHash),
    index('api_tokens_tenant_user_idx').on(t.tenantId, t.userId),
    tenantIsolation(t.tenantId),
  ],
)
