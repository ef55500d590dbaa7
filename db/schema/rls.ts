// Roles and row-level-security helpers shared by every tenant table.
// Policies read the request's context from transaction-local settings that
// withTenant sets first (db/client.ts). The subselect makes Postgres evaluate the
// setting once per statement; nullif turns an unset context into NULL, which
// matches no row instead of raising an error.
import { sql, type SQL } from 'drizzle-orm'
import { pgPolicy, pgRole, type AnyPgColumn } from 'drizzle-orm/pg-core'

/** The role the server connects as: NOSUPERUSER NOBYPASSRLS, owner of nothing (created in a hand-written migration). */
export const appRole = pgRole('clinai_app').existing()

export const currentTenantId = sql`(select nullif(current_setting('app.tenant_id', true), '')::uuid)`
export const currentUserId = sql`(select nullif(current_setting('app.user_id', true), '')::uuid)`

function tenantMatches(tenantId: AnyPgColumn): SQL {
  return sql`${tenantId} = ${currentTenantId}`
}

/** The clinic boundary: rows of the current tenant only, for reads and writes alike. */
export function tenantIsolation(tenantId: AnyPgColumn) {
  return pgPolicy('tenant_isolation', {
    as: 'permissive',
    for: 'all',
    to: appRole,
    using: tenantMatches(tenantId),
    withCheck: tenantMatches(tenantId),
  })
}

/**
 * Clinical content belongs to the clinician who wrote it: an admin runs people
 * and money, not other clinicians' notes. Restrictive, so it narrows the tenant policy.
 */
export function ownerOnly(ownerUserId: AnyPgColumn) {
  const ownerMatches = sql`${ownerUserId} = ${currentUserId}`
  return pgPolicy('owner_only', {
    as: 'restrictive',
    for: 'all',
    to: appRole,
    using: ownerMatches,
    withCheck: ownerMatches,
  })
}
