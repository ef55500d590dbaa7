import { z } from 'zod'
import { getMyUsage } from '#server/services/usage/usage.ts'
import { getMe, updatePreferences } from '#server/services/users/me.ts'
import { router, tenantProcedure } from '../init.ts'
import { apiError } from '../errors.ts'

export const meRouter = router({
  /** The caller's user and clinic. */
  get: tenantProcedure.query(async ({ ctx }) => {
    const me = await getMe(ctx.tx, ctx.identity)
    if (!me) throw apiError('unauthenticated')
    return me
  }),

  /** Tokens I used this month (UTC), my clinic's monthly budget and what is left of it. */
  usage: tenantProcedure.query(({ ctx }) => getMyUsage(ctx.tx, ctx.identity)),

  /**
   * Stores the caller's own preferences, those given: `locale` is the language of every page (`de` or
   * `en`), or null to follow the clinic's default language; `theme` is `system` (as the device is set),
   * `light` or `dark`. Answers all the stored preferences.
   */
  updatePreferences: tenantProcedure
    .input(
      z.strictObject({
        locale: z.enum(['de', 'en']).nullable().optional(),
        theme: z.enum(['system', 'light', 'dark']).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const stored = await updatePreferences(ctx.tx, ctx.identity, input)
      if (!stored) throw apiError('unauthenticated')
      return stored
    }),
})
