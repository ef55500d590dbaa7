import { foreignKey, date, pgTable, primaryKey, smallint, uniqueIndex } from 'drizzle-orm/pg-core'
import { createdAt, tenantKey } from './columns.ts'
import { tenantIsolation } from './rls.ts'
import { tenants } from './tenants.ts'

/**
 * The budget thresholds (80 and 100 % of the monthly budget) a clinic has passed, one row per
 * month and threshold: the unique key makes the audit event for each one happen exactly once,
 * however many answers finish at the same moment.
 */
export const budgetAlerts = pgTable(
  'budget_alerts',
  {
    ...tenantKey,
    /** The first day of the month (UTC). */
    month: date('month', { mode: 'string' }).notNull(),
    /** Percent of the monthly budget: 80 or 100. */
    threshold: smallint('threshold').notNull(),
    createdAt,
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({
      columns: [t.tenantId],
      foreignColumns: [tenants.id],
      name: 'budget_alerts_tenant_fk',
    }).onDelete('cascade'),
    uniqueIndex('budget_alerts_tenant_month_threshold_key').on(t.tenantId, t.month, t.threshold),
    tenantIsolation(t.tenantId),
  ],
)
