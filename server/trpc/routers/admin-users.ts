import { TRPCError } from '@trpc/server'
import { z } from 'zod'
import { changeUser, LastAdminError, listUsers } from '#server/services/users/admin-users.ts'
import { adminProcedure, router } from '../init.ts'

async function applyChange(run: () => ReturnType<typeof changeUser>) {
  try {
    const user = await run()
    if (!user) throw new TRPCError({ code: 'NOT_FOUND', message: 'User not found.' })
    return user
  } catch (error) {
    if (error instanceof LastAdminError) {
      throw new TRPCError({
        code: 'CONFLICT',
        message: 'Your clinic needs at least one active admin. Make someone else an admin first.',
      })
    }
    throw error
  }
}

export const adminUsersRouter = router({
  list: adminProcedure.query(({ ctx }) => listUsers(ctx.tx, ctx.identity)),

  setRole: adminProcedure
    .input(z.object({ userId: z.uuid(), role: z.enum(['therapist', 'admin']) }))
    .mutation(({ ctx, input }) =>
      applyChange(() =>
        changeUser(ctx.tx, ctx.identity, input.userId, { role: input.role }, { requestId: ctx.requestId }),
      ),
    ),

  setStatus: adminProcedure
    .input(z.object({ userId: z.uuid(), status: z.enum(['active', 'disabled']) }))
    .mutation(({ ctx, input }) =>
      applyChange(() =>
        changeUser(
          ctx.tx,
          ctx.identity,
          input.userId,
          { status: input.status },
          { requestId: ctx.requestId },
        ),
      ),
    ),
})
