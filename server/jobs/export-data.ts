// The export-data job: writes one person's archive to Blob while reporting progress on
// its row, then marks it done with an expiry. Idempotent: the blob's name is fixed by the
// export's id, so a retry (after a crash or kill -9) overwrites the same blob and the row
// ends `done` once.
import { Transform, pipeline } from 'node:stream'
import { and, eq, inArray, sql } from 'drizzle-orm'
import { dataExports, tenants, users } from '#db/schema/index.ts'
import { recordAuditEvent } from '#server/services/audit/record.ts'
import { exportArchive } from '#server/services/exports/archive.ts'
import { deleteBlobs, ensureContainer, exportBlobName } from '#server/storage/blob.ts'
import { PermanentJobError, type JobContext } from './context.ts'
import type { JobPayloads } from './queue.ts'

/** Progress is written at most this often, so a large export is not slowed by its own reporting. */
const PROGRESS_EVERY_MS = 500

export async function runExportJob(jobs: JobContext, payload: JobPayloads['export-data']): Promise<void> {
  const { tenantId, userId, exportId } = payload
  // As the person whose data it is: row-level security shows this job their rows and no one else's.
  const asOwner = { tenantId, userId, role: 'system' as const }
  const mine = and(
    eq(dataExports.tenantId, tenantId),
    eq(dataExports.ownerUserId, userId),
    eq(dataExports.id, exportId),
  )
  const start = await jobs.db.withTenant(asOwner, async (tx) => {
    const [row] = await tx
      .update(dataExports)
      .set({ status: 'running', progress: 0, errorCode: null })
      .where(and(mine, inArray(dataExports.status, ['queued', 'running'])))
      .returning({ id: dataExports.id })
    if (!row) return null
    const [clinic] = await tx
      .select({ id: tenants.id, name: tenants.name, slug: tenants.slug })
      .from(tenants)
      .where(eq(tenants.id, tenantId))
    const [person] = await tx
      .select()
      .from(users)
      .where(and(eq(users.tenantId, tenantId), eq(users.id, userId)))
    return clinic && person ? { clinic, person } : null
  })
  if (!start) return // done already, expired, erased: nothing to do
  const storage = jobs.storage
  if (!storage) throw new PermanentJobError('storage_unavailable')

  let lastReport = 0
  const archive = await exportArchive({
    scope: 'person',
    clinic: start.clinic,
    people: [
      {
        id: start.person.id,
        name: start.person.name,
        email: start.person.email,
        role: start.person.role,
        status: start.person.status,
        createdAt: start.person.createdAt.toISOString(),
      },
    ],
    read: (person, work) => jobs.db.withTenant({ tenantId, userId: person.userId, role: 'system' }, work),
    onProgress: async (share) => {
      if (Date.now() - lastReport < PROGRESS_EVERY_MS) return
      lastReport = Date.now()
      await jobs.db.withTenant(asOwner, (tx) =>
        tx
          .update(dataExports)
          .set({ progress: Math.min(99, Math.floor(share * 100)) })
          .where(and(mine, eq(dataExports.status, 'running'))),
      )
    },
  })
  await ensureContainer(storage)
  const blobName = exportBlobName(tenantId, userId, exportId)
  const blob = storage.container.getBlockBlobClient(blobName)
  // An error in the archive (a failed read) destroys the compacted stream, failing the upload.
  const compacted = pipeline(archive, compactChunks(), () => {})
  await blob.uploadStream(compacted, 4 * 1024 * 1024, 2, {
    blobHTTPHeaders: { blobContentType: 'application/zip' },
  })
  const { contentLength } = await blob.getProperties()

  const finished = await jobs.db.withTenant(asOwner, async (tx) => {
    const [row] = await tx
      .update(dataExports)
      .set({
        status: 'done',
        progress: 100,
        blobName,
        sizeBytes: contentLength ?? null,
        completedAt: new Date(),
        expiresAt: sql`now() + make_interval(days => ${jobs.config.exports.expiryDays})`,
      })
      .where(and(mine, eq(dataExports.status, 'running')))
      .returning({ id: dataExports.id })
    if (row) {
      await recordAuditEvent(tx, {
        tenantId,
        actorUserId: null,
        action: 'export.completed',
        targetType: 'data_export',
        targetId: exportId,
        details: { sizeBytes: contentLength ?? 0 },
      })
    }
    return Boolean(row)
  })
  // Erased (or otherwise gone) while it was written: the archive must not outlive its row.
  if (!finished) await deleteBlobs(storage, [blobName])
}

/** After the last retry: the row says failed, with a code the person's browser can explain. */
/**
 * Copies the zip's output into whole 64 KiB chunks. zlib hands out small slices of larger
 * buffers (one per archive entry), and the uploader keeps every chunk until a 4 MiB block is
 * full: without copying, a block of small entries pinned many times its size in memory.
 */
function compactChunks(size = 64 * 1024): Transform {
  let pending: Buffer[] = []
  let pendingBytes = 0
  const flushInto = (stream: Transform) => {
    stream.push(Buffer.concat(pending, pendingBytes))
    pending = []
    pendingBytes = 0
  }
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      pending.push(chunk)
      pendingBytes += chunk.length
      if (pendingBytes >= size) flushInto(this)
      done()
    },
    flush(done) {
      if (pendingBytes > 0) flushInto(this)
      done()
    },
  })
}

export async function failExportJob(
  jobs: JobContext,
  payload: JobPayloads['export-data'],
  code: string,
): Promise<void> {
  const { tenantId, userId, exportId } = payload
  await jobs.db.withTenant({ tenantId, userId, role: 'system' }, (tx) =>
    tx
      .update(dataExports)
      .set({ status: 'failed', errorCode: code })
      .where(
        and(
          eq(dataExports.tenantId, tenantId),
          eq(dataExports.ownerUserId, userId),
          eq(dataExports.id, exportId),
          inArray(dataExports.status, ['queued', 'running']),
        ),
      ),
  )
}
