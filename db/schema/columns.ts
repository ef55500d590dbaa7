import { sql } from 'drizzle-orm'
import { customType, pgEnum, timestamp, uuid } from 'drizzle-orm/pg-core'

/** The languages ClinAI speaks (app/i18n): a person's choice and a clinic's default. */
export const locale = pgEnum('locale', ['de', 'en'])

/** PostgreSQL's full-text document type. */
export const tsvector = customType<{ data: string; driverData: string }>({
  dataType: () => 'tsvector',
})

/**
 * The full-text document of a text column, German and English stems side by side
 * (so "Therapie" finds "Therapien" and "session" finds "sessions"), stored as a
 * generated column. Stored, not an expression index: under row-level security the
 * planner may not use an index for the non-leakproof `@@` operator, so searches
 * scan the person's own rows, and a stored vector makes that scan and the ranking
 * cheap instead of re-parsing every text.
 */
export function searchVector(column: string) {
  return tsvector('search_vector')
    .notNull()
    .generatedAlwaysAs(
      sql.raw(`to_tsvector('german'::regconfig, ${column}) || to_tsvector('english'::regconfig, ${column})`),
    )
}

/** Every tenant table starts with these: the clinic it belongs to and its own id. */
export const tenantKey = {
  tenantId: uuid('tenant_id').notNull(),
  id: uuid('id').notNull().defaultRandom(),
}

export const createdAt = timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow()

export const timestamps = {
  createdAt,
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' })
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date()),
}
