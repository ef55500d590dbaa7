import { TRPCError } from '@trpc/server'
import { getMe } from '#server/services/users/me.ts'
import { router, tenantProcedure } from '../init.ts'

export const meRouter = router({
  /** The caller's user and clinic. */
  get: tenantProcedure.query(async ({ ctx }) => {
    const me = await getMe(ctx.tx, ctx.identity)
    if (!me) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Please sign in.' })
    return me
  }),
})
