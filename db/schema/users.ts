import { sql } from 'drizzle-orm'
import {
  index,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  foreignKey,
} from 'drizzle-orm/pg-core'
import { locale, tenantKey, timestamps } from './columns.ts'
import { tenantIsolation } from './rls.ts'
import { tenants } from './tenants.ts'

export const userRole = pgEnum('user_role', ['therapist', 'admin'])
export const userStatus = pgEnum('user_status', ['active', 'disabled'])
/** How the pages look: as the device is set (system), or always light or dark. */
export const userTheme = pgEnum('user_theme', ['system', 'light', 'dark'])

/** A person in a clinic, provisioned from the identity provider's claims at first sign-in. */
export const users = pgTable(
  'users',
  {
    ...tenantKey,
    oidcIssuer: text('oidc_issuer'),
    oidcSubject: text('oidc_subject'),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: userRole('role').notNull().default('therapist'),
    status: userStatus('status').notNull().default('active'),
    /** The person's language in the account menu; null follows the clinic's default. */
    locale: locale('locale'),
    /** The person's theme in the account menu, rendered by the server so a reload never flashes. */
    theme: userTheme('theme').notNull().default('system'),
    lastSignInAt: timestamp('last_sign_in_at', { withTimezone: true, mode: 'date' }),
    ...timestamps,
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id], name: 'users_tenant_fk' }).onDelete(
      'cascade',
    ),
    uniqueIndex('users_tenant_email_key').on(t.tenantId, sql`lower(${t.email})`),
    uniqueIndex('users_tenant_identity_key').on(t.tenantId, t.oidcIssuer, t.oidcSubject),
    index('users_tenant_role_idx').on(t.tenantId, t.role, t.status),
    tenantIsolation(t.tenantId),
  ],
)
