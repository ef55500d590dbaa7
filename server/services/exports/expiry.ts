// Exports past their expiry: the blob is deleted and the row kept as `expired`, so the
// person's list still says what happened. Each person in their own context.
import { and, eq, lt, sql } from 'drizzle-orm'
import type { Database } from '#db/client.ts'
import { dataExports, users } from '#db/schema/index.ts'
import { deleteBlobs, type BlobStorage } from '#server/storage/blob.ts'

export async function expireExports(
  db: Database,
  storage: BlobStorage | undefined,
  tenantId: string,
): Promise<number> {
  const people = await db.withTenant({ tenantId, userId: null, role: 'system' }, (tx) =>
    tx.select({ id: users.id }).from(users).where(eq(users.tenantId, tenantId)),
  )
  let expired = 0
  for (const person of people) {
    expired += await db.withTenant({ tenantId, userId: person.id, role: 'system' }, async (tx) => {
      const rows = await tx
        .select({ id: dataExports.id, blobName: dataExports.blobName })
        .from(dataExports)
        .where(
          and(
            eq(dataExports.tenantId, tenantId),
            eq(dataExports.ownerUserId, person.id),
            eq(dataExports.status, 'done'),
            lt(dataExports.expiresAt, sql`now()`),
          ),
        )
        .for('update', { skipLocked: true })
      if (rows.length === 0) return 0
      const names = rows.flatMap((row) => (row.blobName ? [row.blobName] : []))
      if (storage) await deleteBlobs(storage, names)
      for (const row of rows) {
        await tx
          .update(dataExports)
          .set({ status: 'expired', blobName: null })
          .where(and(eq(dataExports.tenantId, tenantId), eq(dataExports.id, row.id)))
      }
      return rows.length
    })
  }
  return expired
}
