import { TRPCError } from '@trpc/server'
import { getMyUsage } from '#server/services/usage/usage.ts'
import { getMe } from '#server/services/users/me.ts'
import { router, tenantProcedure } from '../init.ts'

export const meRouter = router({
  /** The caller's user and clinic. */
  get: tenantProcedure.query(async ({ ctx }) => {
    const me = await getMe(ctx.tx, ctx.identity)
    if (!me) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Please sign in.' })
    return me
  }),

  /** Tokens I used this month (UTC), my clinic's monthly budget and what is left of it. */
  usage: tenantProcedure.query(({ ctx }) => getMyUsage(ctx.tx, ctx.identity)),
})
