import { and, eq } from 'drizzle-orm'
import type { Tx } from '#db/client.ts'
import { tenants, users } from '#db/schema/index.ts'
import type { Identity } from '#server/auth/identity.ts'

export interface Me {
  user: { id: string; email: string; name: string; role: 'therapist' | 'admin' }
  clinic: { id: string; slug: string; name: string }
}

export async function getMe(tx: Tx, identity: Pick<Identity, 'tenantId' | 'userId'>): Promise<Me | null> {
  const [row] = await tx
    .select({
      userId: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      clinicId: tenants.id,
      slug: tenants.slug,
      clinicName: tenants.name,
    })
    .from(users)
    .innerJoin(tenants, eq(tenants.id, users.tenantId))
    .where(and(eq(users.tenantId, identity.tenantId), eq(users.id, identity.userId)))
  if (!row) return null
  return {
    user: { id: row.userId, email: row.email, name: row.name, role: row.role },
    clinic: { id: row.clinicId, slug: row.slug, name: row.clinicName },
  }
}
