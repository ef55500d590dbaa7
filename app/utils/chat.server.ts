// Bridge: the chat stream for the resource route, with the request's services.
import type { AppLoadContext } from '@remix-run/node'
import { handleChatRequest } from '#server/chat/handle-chat.ts'

export function handleChat(request: Request, context: AppLoadContext, conversationId: string | undefined) {
  return handleChatRequest(context.services, request, conversationId, context.requestId, context.clientGone)
}
