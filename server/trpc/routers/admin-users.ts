import { z } from 'zod'
import { changeUser, LastAdminError, listUsers } from '#server/services/users/admin-users.ts'
import { adminProcedure, router } from '../init.ts'
import { apiError } from '../errors.ts'

async function applyChange(run: () => ReturnType<typeof changeUser>) {
  try {
    const user = await run()
    if (!user) throw apiError('user_not_found')
    return user
  } catch (error) {
    if (error instanceof LastAdminError) {
      throw apiError('last_admin')
    }
    throw error
  }
}

export const adminUsersRouter = router({
  /** Everyone in the caller's clinic, by name, with role, status and last sign-in. Admins only. */
  list: adminProcedure.query(({ ctx }) => listUsers(ctx.tx, ctx.identity)),

  /**
   * Makes a person of the caller's clinic a therapist or an admin; audited. Admins only. A person of
   * another clinic, or no one, answers 404; demoting the last active admin is refused with 409.
   */
  setRole: adminProcedure
    .input(z.object({ userId: z.uuid(), role: z.enum(['therapist', 'admin']) }))
    .mutation(({ ctx, input }) =>
      applyChange(() =>
        changeUser(ctx.tx, ctx.identity, input.userId, { role: input.role }, { requestId: ctx.requestId }),
      ),
    ),

  /**
   * Disables or re-enables a person of the caller's clinic; audited. Disabling ends their sessions at
   * once and their access tokens stop working. Admins only. A person of another clinic answers 404;
   * disabling the last active admin is refused with 409.
   */
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
