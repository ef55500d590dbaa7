// Bridge: export archives and erasure receipts for the resource routes, with the request's services.
import type { AppLoadContext } from '@remix-run/node'
import { handleExportDownload, handleReceiptDownload } from '#server/http/downloads.ts'

export function downloadExport(request: Request, context: AppLoadContext, exportId: string | undefined) {
  return handleExportDownload(context.services, request, exportId, context.clientGone)
}

export function downloadReceipt(request: Request, context: AppLoadContext, userId: string | undefined) {
  return handleReceiptDownload(context.services, request, userId)
}
