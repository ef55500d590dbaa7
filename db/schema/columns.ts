import { timestamp, uuid } from 'drizzle-orm/pg-core'

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
