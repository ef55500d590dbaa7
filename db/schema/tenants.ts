import { sql } from 'drizzle-orm'
import { bigint, integer, pgPolicy, pgTable, text, uniqueIndex, uuid, check } from 'drizzle-orm/pg-core'
import { locale, timestamps } from './columns.ts'
import { appRole, currentTenantId } from './rls.ts'

/** A clinic (or a chain). Its settings live here; admins change them. */
export const tenants = pgTable(
  'tenants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    /** Azure OpenAI deployment (or OpenAI-compatible model) this clinic's chats use; null = server default. */
    modelDeployment: text('model_deployment'),
    systemPrompt: text('system_prompt'),
    monthlyTokenBudget: bigint('monthly_token_budget', { mode: 'number' }).notNull().default(2_000_000),
    /** Conversations older than this many days are deleted by the retention job; null = keep. */
    retentionDays: integer('retention_days'),
    /** Signed consultation notes are kept this many years (section 630f BGB: ten). */
    noteRetentionYears: integer('note_retention_years').notNull().default(10),
    /** The language of everyone who has not chosen one in the account menu. */
    defaultLocale: locale('default_locale').notNull().default('de'),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('tenants_slug_key').on(t.slug),
    check('tenants_slug_format', sql`${t.slug} ~ '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$'`),
    check('tenants_note_retention_range', sql`${t.noteRetentionYears} between 10 and 100`),
    check('tenants_budget_nonnegative', sql`${t.monthlyTokenBudget} >= 0`),
    // A request sees its own clinic's row and nothing else.
    pgPolicy('tenant_self', {
      as: 'permissive',
      for: 'all',
      to: appRole,
      using: sql`${t.id} = ${currentTenantId}`,
      withCheck: sql`${t.id} = ${currentTenantId}`,
    }),
  ],
)
