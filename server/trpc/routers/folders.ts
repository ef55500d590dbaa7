import { z } from 'zod'
import {
  createFolder,
  deleteFolder,
  FolderLimitError,
  FolderNameTakenError,
  listFolders,
  renameFolder,
} from '#server/services/folders/folders.ts'
import { router, tenantProcedure } from '../init.ts'
import { apiError } from '../errors.ts'

const folderName = z
  .string()
  .trim()
  .min(1, 'required')
  .max(120)
  .regex(/^[^\p{Cc}]*$/u, 'control_characters')

function found<T>(value: T | null): T {
  // "Not yours" and "does not exist" are one answer, so no id's existence leaks.
  if (value === null) throw apiError('folder_not_found')
  return value
}

export const foldersRouter = router({
  /** The caller's folders, by name, with how many conversations each holds. */
  list: tenantProcedure.query(({ ctx }) => listFolders(ctx.tx, ctx.identity)),

  /**
   * Creates an empty folder for the caller. A name the caller already uses (letter case aside)
   * answers 409 `folder_name_taken`; at the limit of 500 folders per person, 409 `folder_limit`.
   */
  create: tenantProcedure.input(z.object({ name: folderName })).mutation(async ({ ctx, input }) => {
    try {
      return await createFolder(ctx.tx, ctx.identity, input)
    } catch (error) {
      if (error instanceof FolderLimitError) throw apiError('folder_limit')
      if (error instanceof FolderNameTakenError) throw apiError('folder_name_taken')
      throw error
    }
  }),

  /**
   * Renames one of the caller's folders. Another person's folder, or an unknown one, answers 404; a
   * name of another of the caller's folders answers 409 `folder_name_taken`.
   */
  rename: tenantProcedure
    .input(z.object({ folderId: z.uuid(), name: folderName }))
    .mutation(async ({ ctx, input }) => {
      try {
        return found(await renameFolder(ctx.tx, ctx.identity, input))
      } catch (error) {
        if (error instanceof FolderNameTakenError) throw apiError('folder_name_taken')
        throw error
      }
    }),

  /** Deletes the folder; its conversations move to "no folder" and the answer says how many. */
  delete: tenantProcedure
    .input(z.object({ folderId: z.uuid() }))
    .mutation(async ({ ctx, input }) => found(await deleteFolder(ctx.tx, ctx.identity, input))),
})
