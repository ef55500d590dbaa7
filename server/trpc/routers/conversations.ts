import { z } from 'zod'
import {
  createConversation,
  deleteConversation,
  getConversation,
  listConversations,
  moveConversation,
  renameConversation,
} from '#server/services/conversations/conversations.ts'
import { decodeCursor, MAX_CURSOR_LENGTH } from '#server/services/conversations/cursor.ts'
import { FolderNotFoundError } from '#server/services/folders/folders.ts'
import { modelViews } from '#server/services/pseudonymise/store.ts'
import { searchConversations } from '#server/services/search/search.ts'
import { router, tenantProcedure } from '../init.ts'
import { apiError } from '../errors.ts'

const title = z
  .string()
  .trim()
  .min(1, 'required')
  .max(200)
  .regex(/^[^\p{Cc}]*$/u, 'control_characters')

const cursor = z
  .string()
  .max(MAX_CURSOR_LENGTH)
  .refine((value) => decodeCursor('conversations', value) !== null, 'invalid_cursor')

const conversationId = z.uuid()

function found<T>(value: T | null): T {
  // "Not yours" and "does not exist" are one answer, so no id's existence leaks.
  if (value === null) throw apiError('conversation_not_found')
  return value
}

async function withFolder<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (error) {
    if (error instanceof FolderNotFoundError) {
      throw apiError('folder_not_found')
    }
    throw error
  }
}

export const conversationsRouter = router({
  /**
   * The caller's conversations, most recent activity first. `folderId` narrows
   * to one folder, or with null to those in no folder.
   */
  list: tenantProcedure
    .input(
      z
        .object({
          folderId: z.uuid().nullish(),
          limit: z.number().int().min(1).max(100).default(30),
          cursor: cursor.nullish(),
        })
        .prefault({}),
    )
    .query(({ ctx, input }) => withFolder(() => listConversations(ctx.tx, ctx.identity, input))),

  /** A conversation with its newest messages, oldest of them first; `messages.nextCursor` pages back. */
  get: tenantProcedure
    .input(z.object({ conversationId, messageLimit: z.number().int().min(1).max(100).default(50) }))
    .query(async ({ ctx, input }) => found(await getConversation(ctx.tx, ctx.identity, input))),

  /**
   * What the model saw: the prompt of the conversation's latest answer exactly as it was sent,
   * with the clinic's placeholders (`[PERSON_1]` …) where the patient details were, and whether
   * it was pseudonymised. An empty list before the first answer. The caller's own only.
   */
  modelView: tenantProcedure.input(z.object({ conversationId })).query(async ({ ctx, input }) => ({
    views: found(
      await modelViews(ctx.tx, ctx.identity, ctx.services.pseudonymSealer, {
        kind: 'conversation',
        id: input.conversationId,
      }),
    ),
  })),

  /** A blank or missing title becomes "New conversation"; a folder must be one of the caller's. */
  create: tenantProcedure
    .input(
      z
        .object({
          title: z
            .string()
            .trim()
            .max(200)
            .regex(/^[^\p{Cc}]*$/u, 'control_characters')
            .optional(),
          folderId: z.uuid().nullish(),
        })
        .prefault({}),
    )
    .mutation(({ ctx, input }) => withFolder(() => createConversation(ctx.tx, ctx.identity, input))),

  /** Renames one of the caller's conversations. Another person's or an unknown conversation answers 404. */
  rename: tenantProcedure
    .input(z.object({ conversationId, title }))
    .mutation(async ({ ctx, input }) => found(await renameConversation(ctx.tx, ctx.identity, input))),

  /** Moves into one of the caller's folders, or with null out of any folder. */
  move: tenantProcedure
    .input(z.object({ conversationId, folderId: z.uuid().nullable() }))
    .mutation(({ ctx, input }) =>
      withFolder(async () => found(await moveConversation(ctx.tx, ctx.identity, input))),
    ),

  /** Deletes the conversation and all its messages. */
  delete: tenantProcedure
    .input(z.object({ conversationId }))
    .mutation(async ({ ctx, input }) => found(await deleteConversation(ctx.tx, ctx.identity, input))),

  /**
   * Full-text search (German and English) over the caller's titles and messages,
   * best match first. The snippet is plain text with highlight offsets, never HTML.
   */
  search: tenantProcedure
    .input(
      z.object({
        query: z
          .string()
          .trim()
          .min(1, 'required')
          .max(200)
          // Tabs and line breaks are harmless word separators; other control characters are refused.
          .regex(/^(?:[^\p{Cc}]|[\t\n\r])*$/u, 'control_characters'),
        limit: z.number().int().min(1).max(50).default(20),
        offset: z.number().int().min(0).max(1000).default(0),
      }),
    )
    .query(({ ctx, input }) => searchConversations(ctx.tx, ctx.identity, input)),
})
