// The erase-person job. It runs in a system context of the clinic with no person set, so
// row-level security shows it none of the content it removes; the rows go through
// clinai_erase_person (migration 0012), which deletes by (clinic, person) and returns
// counts only. Blobs under the person's prefix are listed by name and deleted. Each step
// can run again after a crash: the function keeps the first run's counts, the blob count
// is taken once, before anything is deleted, and the receipt ends `done` once.
import { and, eq, inArray, isNull, sql } from 'drizzle-orm'
import { erasureReceipts } from '#db/schema/index.ts'
import { recordAuditEvent } from '#server/services/audit/record.ts'
import { deleteBlobs, listBlobNames, personPrefix } from '#server/storage/blob.ts'
import type { JobContext } from './context.ts'
import type { JobPayloads } from './queue.ts'

export async function runErasureJob(jobs: JobContext, payload: JobPayloads['erase-person']): Promise<void> {
  const { tenantId, receiptId } = payload
  const system = { tenantId, userId: null, role: 'system' as const }
  const thisReceipt = and(eq(erasureReceipts.tenantId, tenantId), eq(erasureReceipts.id, receiptId))

  const receipt = await jobs.db.withTenant(system, async (tx) => {
    const [row] = await tx
      .update(erasureReceipts)
      .set({ status: 'running', errorCode: null })
      .where(and(thisReceipt, inArray(erasureReceipts.status, ['queued', 'running', 'failed'])))
      .returning()
    return row ?? null
  })
  if (!receipt) return // done already

  const tables = await jobs.db.withTenant(system, async (tx) => {
    const [row] = await tx.execute<{ counts: Record<string, number> }>(
      sql`select clinai_erase_person(${receiptId}::uuid) as counts`,
    )
    return row!.counts
  })

  const prefix = personPrefix(tenantId, receipt.subjectUserId)
  const names = jobs.storage ? await listBlobNames(jobs.storage, prefix) : []
  // Counted before anything is deleted, and only the first time, so a retry reports what was there.
  const blobs = await jobs.db.withTenant(system, async (tx) => {
    const [row] = await tx
      .update(erasureReceipts)
      .set({ blobCounts: { [prefix]: names.length } })
      .where(and(thisReceipt, isNull(erasureReceipts.blobCounts)))
      .returning({ blobCounts: erasureReceipts.blobCounts })
    if (row) return row.blobCounts!
    const [kept] = await tx
      .select({ blobCounts: erasureReceipts.blobCounts })
      .from(erasureReceipts)
      .where(thisReceipt)
    return kept!.blobCounts!
  })
  if (jobs.storage) await deleteBlobs(jobs.storage, names)

  await jobs.db.withTenant(system, async (tx) => {
    const [done] = await tx
      .update(erasureReceipts)
      .set({ status: 'done', completedAt: new Date() })
      .where(and(thisReceipt, eq(erasureReceipts.status, 'running')))
      .returning({ id: erasureReceipts.id })
    if (!done) return
    const blobTotal = Object.values(blobs).reduce((sum, n) => sum + n, 0)
    await recordAuditEvent(tx, {
      tenantId,
      actorUserId: receipt.requestedByUserId,
      action: 'user.erased',
      targetType: 'user',
      targetId: receipt.subjectUserId,
      details: { receiptId, ...tables, blobs: blobTotal },
    })
  })
}

export async function failErasureJob(
  jobs: JobContext,
  payload: JobPayloads['erase-person'],
  code: string,
): Promise<void> {
  await jobs.db.withTenant({ tenantId: payload.tenantId, userId: null, role: 'system' }, (tx) =>
    tx
      .update(erasureReceipts)
      .set({ status: 'failed', errorCode: code })
      .where(
        and(
          eq(erasureReceipts.tenantId, payload.tenantId),
          eq(erasureReceipts.id, payload.receiptId),
          inArray(erasureReceipts.status, ['queued', 'running']),
        ),
      ),
  )
}
