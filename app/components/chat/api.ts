// The chat pane's calls to the server: the typed API for paging back through
// messages, and the chat stream's address.
import { createTRPCClient, httpLink } from '@trpc/client'
import type { AppRouter } from '#server/trpc/root.ts'

/** Messages per page, in the loader and when paging back. */
export const MESSAGE_PAGE_SIZE = 50

const api = createTRPCClient<AppRouter>({ links: [httpLink({ url: '/api/trpc' })] })

export function fetchEarlierMessages(conversationId: string, cursor: string) {
  return api.messages.list.query({ conversationId, cursor, limit: MESSAGE_PAGE_SIZE })
}

export function chatUrl(conversationId: string) {
  return `/api/chat/${encodeURIComponent(conversationId)}`
}
