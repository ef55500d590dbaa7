import { sql } from 'drizzle-orm'
import {
  bigint,
  boolean,
  check,
  integer,
  pgPolicy,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
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
    /** The most tokens one person may use in a month; null = only the clinic's budget applies. */
    userMonthlyTokenCap: bigint('user_monthly_token_cap', { mode: 'number' }),
    /** Conversations older than this many days are deleted by the retention job; null = keep. */
    retentionDays: integer('retention_days'),
    /** Signed consultation notes are kept this many years (section 630f BGB: ten). */
    noteRetentionYears: integer('note_retention_years').notNull().default(10),
    /** The language of everyone who has not chosen one in the account menu. */
    defaultLocale: locale('default_locale').notNull().default('de'),
    /** Patient details are replaced by placeholders before any prompt leaves the server. */
    pseudonymise: boolean('pseudonymise').notNull().default(true),
    /** The clinic's own words never to send (its street, its doctors' names); matched as whole words. */
    neverSendTerms: text('never_send_terms')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('tenants_slug_key').on(t.slug),
    check('tenants_slug_format', sql`${t.slug} ~ '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$'`),
    check('tenants_note_retention_range', sql`${t.noteRetentionYears} between 10 and 100`),
    check('tenants_budget_nonnegative', sql`${t.monthlyTokenBudget} >= 0`),
    // The same bounds as the settings procedure.
    check('tenants_never_send_terms_bounds', sql`cardinality(${t.neverSendTerms}) <= 200`),
    // The same bounds as the settings procedure: at least a week, at most ten years.
    check(
      'tenants_retention_bounds',
      sql`${t.retentionDays} is null or ${t.retentionDays} between 7 and 3650`,
    ),
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
