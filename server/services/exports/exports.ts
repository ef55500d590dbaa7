// A person's exports of their own data: asked for here, written by the export-data job
// (server/jobs/export-data.ts), downloaded through the app by that person alone.
import { and, desc, eq, inArray } from 'drizzle-orm'
import type { Tx } from '#db/client.ts'
import { dataExports } from '#db/schema/index.ts'
import type { JobQueue } from '#server/jobs/queue.ts'
import { recordAuditEvent } from '#server/services/audit/record.ts'

export interface Person {
  tenantId: string
  userId: string
}

export interface ExportSummary {
  id: string
  status: 'queued' | 'running' | 'done' | 'failed' | 'expired'
  /** 0 to 100 while running. */
  progress: number
  /** Why it failed, as a code (`storage_unavailable`, `export_failed`). */
  errorCode: string | null
  sizeBytes: number | null
  createdAt: string
  completedAt: string | null
  expiresAt: string | null
  /** Where the archive downloads (with the session cookie or a token) while it is available. */
  downloadPath: string | null
}

/** How many exports the list shows; older ones stay until they expire. */
const LIST_LIMIT = 10

/**
 * Asks for an export of everything that is the caller's. While one is queued or running,
 * asking again returns that one instead of starting a second.
 */
export async function requestExport(
  tx: Tx,
  person: Person,
  jobs: JobQueue,
  meta: { requestId?: string },
): Promise<ExportSummary> {
  const [pending] = await tx
    .select()
    .from(dataExports)
    .where(
      and(
        eq(dataExports.tenantId, person.tenantId),
        eq(dataExports.ownerUserId, person.userId),
        inArray(dataExports.status, ['queued', 'running']),
      ),
    )
    .limit(1)
  if (pending) return toSummary(pending)
  const [row] = await tx
    .insert(dataExports)
    .values({ tenantId: person.tenantId, ownerUserId: person.userId })
    .returning()
  await jobs.send(
    tx,
    'export-data',
    { tenantId: person.tenantId, userId: person.userId, exportId: row!.id },
    `export:${row!.id}`,
  )
  await recordAuditEvent(tx, {
    tenantId: person.tenantId,
    actorUserId: person.userId,
    action: 'export.requested',
    targetType: 'data_export',
    targetId: row!.id,
    requestId: meta.requestId,
  })
  return toSummary(row!)
}

export async function listExports(tx: Tx, person: Person): Promise<ExportSummary[]> {
  const rows = await tx
    .select()
    .from(dataExports)
    .where(and(eq(dataExports.tenantId, person.tenantId), eq(dataExports.ownerUserId, person.userId)))
    .orderBy(desc(dataExports.createdAt), desc(dataExports.id))
    .limit(LIST_LIMIT)
  return rows.map(toSummary)
}

/** The caller's archive if it can be downloaded now: done and not expired. Null otherwise. */
export async function findDownloadableExport(
  tx: Tx,
  person: Person,
  exportId: string,
): Promise<{ blobName: string; sizeBytes: number | null; createdAt: Date } | null> {
  const [row] = await tx
    .select()
    .from(dataExports)
    .where(
      and(
        eq(dataExports.tenantId, person.tenantId),
        eq(dataExports.ownerUserId, person.userId),
        eq(dataExports.id, exportId),
      ),
    )
  if (!row || !isDownloadable(row)) return null
  return { blobName: row.blobName!, sizeBytes: row.sizeBytes, createdAt: row.createdAt }
}

function isDownloadable(row: typeof dataExports.$inferSelect): boolean {
  return (
    row.status === 'done' &&
    row.blobName !== null &&
    row.expiresAt !== null &&
    row.expiresAt.getTime() > Date.now()
  )
}

function toSummary(row: typeof dataExports.$inferSelect): ExportSummary {
  return {
    id: row.id,
    status: row.status,
    progress: row.progress,
    errorCode: row.errorCode,
    sizeBytes: row.sizeBytes,
    createdAt: row.createdAt.toISOString(),
    completedAt: row.completedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    downloadPath: isDownloadable(row) ? `/api/exports/${row.id}` : null,
  }
}
