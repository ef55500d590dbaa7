// Bridge: a conversation for the chat pane, with its newest messages; a 404 response
// when it does not exist or is not the caller's (one answer, so no id's existence leaks).
import type { AppLoadContext } from '@remix-run/node'
import { TRPCError } from '@trpc/server'
import { MAX_CHAT_INPUT_CHARS } from '#server/chat/events.ts'
import { getCaller } from './trpc.server.ts'

export async function loadConversation(
  request: Request,
  context: AppLoadContext,
  input: { conversationId: string; messageLimit: number },
) {
  const { caller } = await getCaller(request, context)
  try {
    const conversation = await caller.conversations.get(input)
    return { conversation, maxInputChars: MAX_CHAT_INPUT_CHARS }
  } catch (error) {
    // BAD_REQUEST: the id is not even a UUID, which is "not found" to the reader.
    if (error instanceof TRPCError && (error.code === 'NOT_FOUND' || error.code === 'BAD_REQUEST')) {
      throw Response.json({ code: 'conversation_not_found' }, { status: 404 })
    }
    throw error
  }
}
