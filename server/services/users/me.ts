import { and, eq } from 'drizzle-orm'
import type { Tx } from '#db/client.ts'
import { type locale, tenants, users } from '#db/schema/index.ts'
import type { Identity } from '#server/auth/identity.ts'

export type Locale = (typeof locale.enumValues)[number]

export interface Me {
  /** `locale`: the person's chosen language; null follows the clinic's `defaultLocale`. */
  user: { id: string; email: string; name: string; role: 'therapist' | 'admin'; locale: Locale | null }
  clinic: { id: string; slug: string; name: string; defaultLocale: Locale }
}

export async function getMe(tx: Tx, identity: Pick<Identity, 'tenantId' | 'userId'>): Promise<Me | null> {
  const [row] = await tx
    .select({
      userId: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      locale: users.locale,
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
    user: { id: row.userId, email: row.email, name: row.name, role: row.role, locale: row.locale },
    clinic: { id: row.clinicId, slug: row.slug, name: row.clinicName, defaultLocale: row.defaultLocale },
  }
}

/** Stores the person's own preferences; `locale: null` goes back to the clinic's default. */
export async function updatePreferences(
  tx: Tx,
  identity: Pick<Identity, 'tenantId' | 'userId'>,
  change: { locale: Locale | null },
): Promise<{ locale: Locale | null } | null> {
  const [row] = await tx
    .update(users)
    .set({ locale: change.locale })
    .where(and(eq(users.tenantId, identity.tenantId), eq(users.id, identity.userId)))
    .returning({ locale: users.locale })
  return row ?? null
}
