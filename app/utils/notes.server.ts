// Bridge: the note draft stream and the note exports for their resource routes.
import type { AppLoadContext } from '@remix-run/node'
import { handleDraftRequest } from '#server/notes/handle-draft.ts'

export function handleDraft(request: Request, context: AppLoadContext, noteId: string | undefined) {
  return handleDraftRequest(context.services, request, noteId, context.requestId)
}
