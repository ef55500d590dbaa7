import { integer, pgSchema, text, timestamp } from 'drizzle-orm/pg-core'

/**
 * State of the front door rather than data: its own schema, apart from the tenant
 * tables in `public` (whose catalog-driven checks it would only confuse).
 */
export const limitsSchema = pgSchema('clinai_limits')

/**
 * Request counters of rate-limiter-flexible's Drizzle store, shared by every app
 * instance so a limit holds however many run. One row per limited key (a
 * person's or a token's id with the limit's prefix): identifiers and counts, no
 * tenant data, so no tenant_id and no RLS; the app role may only read and write
 * the counters.
 */
export const rateLimits = limitsSchema.table('rate_limits', {
  key: text('key').primaryKey(),
  points: integer('points').notNull(),
  expire: timestamp('expire', { withTimezone: true, mode: 'date' }),
})
