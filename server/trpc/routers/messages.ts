import { z } from 'zod'
import { decodeCursor, MAX_CURSOR_LENGTH } from '#server/services/conversations/cursor.ts'
import { listMessages } from '#server/services/messages/messages.ts'
import { router, tenantProcedure } from '../init.ts'
import { apiError } from '../errors.ts'

const messagesCursor = z
  .string()
  .max(MAX_CURSOR_LENGTH)
  .refine((value) => decodeCursor('messages', value) !== null, 'invalid_cursor')

export const messagesRouter = router({
  /**
   * One page of a conversation's messages, in chronological order. The first
   * page holds the newest; `nextCursor` fetches the ones before it.
   */
  list: tenantProcedure
    .input(
      z.object({
        conversationId: z.uuid(),
        limit: z.number().int().min(1).max(100).default(50),
        cursor: messagesCursor.nullish(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const page = await listMessages(ctx.tx, ctx.identity, input)
      if (!page) throw apiError('conversation_not_found')
      return page
    }),
})
