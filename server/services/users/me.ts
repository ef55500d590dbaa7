import { and, eq } from 'drizzle-orm'
import type { Tx } from '#db/client.ts'
import { type locale, tenants, type userTheme, users } from '#db/schema/index.ts'
import type { Caller } from '#server/services/caller.ts'

export type Locale = (typeof locale.enumValues)[number]
export type Theme = (typeof userTheme.enumValues)[number]

export interface Me {
  /**
   * `locale`: the person's chosen language; null follows the clinic's `defaultLocale`.
   * `theme`: how the pages look (`system` follows the device).
   */
  user: {
    id: string
    email: string
    name: string
    role: 'therapist' | 'admin'
    locale: Locale | null
    theme: Theme
  }
  clinic: { id: string; slug: string; name: string; defaultLocale: Locale }
}

export async function getMe(tx: Tx, identity: Caller): Promise<Me | null> {
  const [row] = await tx
    .select({
      userId: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      locale: users.locale,
      theme: users.theme,
      clinicId: tenants.id,
      slug: tenants.slug,
      clinicName: tenants.name,
      defaultLocale: tenants.defaultLocale,
    })
    .from(users)
    .innerJoin(tenants, eq(tenants.id, users.tenantId))
    .where(and(eq(users.tenantId, identity.tenantId), eq(users.id, identity.userId)))
  if (!row) return null
  return {
    user: {
      id: row.userId,
      email: row.email,
      name: row.name,
      role: row.role,
      locale: row.locale,
      theme: row.theme,
    },
    clinic: { id: row.clinicId, slug: row.slug, name: row.clinicName, defaultLocale: row.defaultLocale },
  }
}

/**
 * Stores the person's own preferences, the ones given and no others; `locale: null` goes back
 * to the clinic's default. Answers all of them as stored.
 */
export async function updatePreferences(
  tx: Tx,
  identity: Caller,
  change: { locale?: Locale | null; theme?: Theme },
): Promise<{ locale: Locale | null; theme: Theme } | null> {
  const mine = and(eq(users.tenantId, identity.tenantId), eq(users.id, identity.userId))
  const set = {
    ...(change.locale !== undefined ? { locale: change.locale } : {}),
    ...(change.theme !== undefined ? { theme: change.theme } : {}),
  }
  const returning = { locale: users.locale, theme: users.theme }
  const [row] =
    Object.keys(set).length > 0
      ? await tx.update(users).set(set).where(mine).returning(returning)
      : await tx.select(returning).from(users).where(mine)
  return row ?? null
}
