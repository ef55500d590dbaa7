import { z } from 'zod'
import {
  createApiToken,
  listApiTokens,
  revokeApiToken,
  TokenLimitError,
} from '#server/services/tokens/api-tokens.ts'
import { router, tenantProcedure } from '../init.ts'
import { apiError } from '../errors.ts'

const tokenName = z
  .string()
  .trim()
  .min(1, 'required')
  .max(80)
  .regex(/^[^\p{Cc}]*$/u, 'control_characters')

export const tokensRouter = router({
  /** Creates a token for the caller. The secret is in this answer and nowhere else, ever again. */
  create: tenantProcedure
    .input(
      z.object({
        name: tokenName,
        expiresInDays: z.number().int().min(1).max(365).nullable().default(90),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      try {
        return await createApiToken(ctx.tx, ctx.identity, input, {
          requestId: ctx.requestId,
          actorUserId: ctx.identity.userId,
        })
      } catch (error) {
        if (error instanceof TokenLimitError) {
          throw apiError('token_limit')
        }
        throw error
      }
    }),

  /**
   * The caller's own access tokens, newest first, revoked and expired ones included. Each has its name,
   * the prefix shown for recognition and its dates; never the secret, which is not stored.
   */
  list: tenantProcedure.query(({ ctx }) => listApiTokens(ctx.tx, ctx.identity)),

  /**
   * Revokes one of the caller's tokens at once; audited. Another person's token, an unknown one or one
   * already revoked answers 404.
   */
  revoke: tenantProcedure.input(z.object({ id: z.uuid() })).mutation(async ({ ctx, input }) => {
    const revoked = await revokeApiToken(ctx.tx, ctx.identity, input.id, { requestId: ctx.requestId })
    if (!revoked) throw apiError('token_not_found')
    return { id: input.id, revoked: true }
  }),
})
