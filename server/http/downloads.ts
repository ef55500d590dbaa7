// Downloads through the app: a person's export archive (streamed from Blob, never via a
// public or long-lived link) and an erasure receipt as JSON. Session cookie or personal
// access token. Someone else's export answers 404, exactly as a missing one does.
import { Readable } from 'node:stream'
import { z } from 'zod'
import { authenticateRequest } from '#server/auth/authenticate.ts'
import { recordAuditEvent } from '#server/services/audit/record.ts'
import { getErasureReceipt } from '#server/services/erasure/erasure.ts'
import { findDownloadableExport } from '#server/services/exports/exports.ts'
import type { AppContext } from '#server/app-context.ts'

const noStore = { 'cache-control': 'no-store' }

function refuse(status: 401 | 403 | 404 | 405, code: string): Response {
  return Response.json({ error: { code } }, { status, headers: noStore })
}

export async function handleExportDownload(
  services: AppContext,
  request: Request,
  exportId: string | undefined,
  /** Aborted when the client goes away (the load context's `clientGone`, not `request.signal`). */
  clientGone: AbortSignal,
): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, 'method_not_allowed')
  const { identity } = await authenticateRequest(services, request)
  if (!identity) return refuse(401, 'unauthenticated')
  const id = z.uuid().safeParse(exportId)
  if (!id.success || !services.storage) return refuse(404, 'not_found')
  const found = await services.db.withTenant(identity, async (tx) => {
    const archive = await findDownloadableExport(tx, identity, id.data)
    if (archive) {
      await recordAuditEvent(tx, {
        tenantId: identity.tenantId,
        actorUserId: identity.userId,
        action: 'export.downloaded',
        targetType: 'data_export',
        targetId: id.data,
      })
    }
    return archive
  })
  if (!found) return refuse(404, 'not_found')
  const download = await services.storage.container.getBlobClient(found.blobName).download(0, undefined, {
    abortSignal: clientGone,
  })
  const day = found.createdAt.toISOString().slice(0, 10)
  const headers = {
    ...noStore,
    'content-type': 'application/zip',
    'content-disposition': `attachment; filename="clinai-export-${day}.zip"`,
    ...(download.contentLength !== undefined ? { 'content-length': String(download.contentLength) } : {}),
  }
  if (request.method === 'HEAD') {
    ;(download.readableStreamBody as Readable | undefined)?.destroy()
    return new Response(null, { headers })
  }
  const body = Readable.toWeb(download.readableStreamBody as Readable) as ReadableStream<Uint8Array>
  return new Response(body, { headers })
}

export async function handleReceiptDownload(
  services: AppContext,
  request: Request,
  userId: string | undefined,
): Promise<Response> {
  if (request.method !== 'GET') return refuse(405, 'method_not_allowed')
  const { identity } = await authenticateRequest(services, request)
  if (!identity) return refuse(401, 'unauthenticated')
  if (identity.role !== 'admin') return refuse(403, 'forbidden')
  const id = z.uuid().safeParse(userId)
  if (!id.success) return refuse(404, 'not_found')
  const receipt = await services.db.withTenant(identity, (tx) => getErasureReceipt(tx, identity, id.data))
  if (!receipt) return refuse(404, 'not_found')
  return new Response(
    `${JSON.stringify({ kind: 'clinai-erasure-receipt', version: 1, ...receipt }, null, 2)}\n`,
    {
      headers: {
        ...noStore,
        'content-type': 'application/json; charset=utf-8',
        'content-disposition': `attachment; filename="erasure-receipt-${receipt.id}.json"`,
      },
    },
  )
}
