import { TRPCError } from '@trpc/server'
import { z } from 'zod'
import {
  createApiToken,
  listApiTokens,
  revokeApiToken,
  TokenLimitError,
  MAX_ACTIVE_TOKENS,
} from '#server/services/tokens/api-tokens.ts'
import { router, tenantProcedure } from '../init.ts'

const tokenName = z
  .string()
  .trim()
  .min(1, 'Give the token a name')
  .max(80)
  .regex(/^[^\p{Cc}]*$/u, 'No control characters')

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
          throw new TRPCError({
            code: 'CONFLICT',
            message: `You already have ${MAX_ACTIVE_TOKENS} active tokens; revoke one first.`,
          })
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
    if (!revoked) throw new TRPCError({ code: 'NOT_FOUND', message: 'Token not found.' })
    return { id: input.id, revoked: true }
  }),
})
