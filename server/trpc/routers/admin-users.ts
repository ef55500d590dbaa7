import { z } from 'zod'
import {
  ErasureConfirmationError,
  ErasureConflictError,
  getErasureReceipt,
  listErasureReceipts,
  requestErasure,
} from '#server/services/erasure/erasure.ts'
import {
  changeUser,
  inviteUser,
  LastAdminError,
  listInvitations,
  PersonErasedError,
  listUsers,
  UserExistsError,
  withdrawInvitation,
} from '#server/services/users/admin-users.ts'
import { adminProcedure, router } from '../init.ts'
import { apiError } from '../errors.ts'

async function applyChange<T>(run: () => Promise<T | null>): Promise<T> {
  try {
    const user = await run()
    if (!user) throw apiError('user_not_found')
    return user
  } catch (error) {
    if (error instanceof LastAdminError) throw apiError('last_admin')
    if (error instanceof PersonErasedError) throw apiError('person_erased')
    if (error instanceof UserExistsError) throw apiError('user_exists')
    throw error
  }
}

const personName = z
  .string()
  .trim()
  .min(1, 'required')
  .max(120)
  .regex(/^[^\p{Cc}]*$/u, 'control_characters')

export const adminUsersRouter = router({
  /**
   * Everyone in the caller's clinic, by name, with role, status, last sign-in and tokens used this
   * month (UTC). Admins only; no one's conversations.
   */
  list: adminProcedure.query(({ ctx }) => listUsers(ctx.tx, ctx.identity)),

  /** The clinic's pending invitations, oldest first: email, name, role, when. Admins only. */
  invitations: adminProcedure.query(({ ctx }) => listInvitations(ctx.tx, ctx.identity)),

  /**
   * Invites (pre-provisions) a person by email, name and role; audited. The person is bound to their
   * identity-provider account when they first sign in with that email, and joins with this role.
   * An email already in the clinic, or already invited, answers 409 `user_exists`. The invitation's
   * `id` is the person's user id once they have signed in. Admins only.
   */
  invite: adminProcedure
    .input(
      z.strictObject({
        email: z.email('invalid_format').max(320),
        name: personName,
        role: z.enum(['therapist', 'admin']),
      }),
    )
    .mutation(({ ctx, input }) =>
      applyChange(() => inviteUser(ctx.tx, ctx.identity, input, { requestId: ctx.requestId })),
    ),

  /**
   * Withdraws a pending invitation (the person has not signed in yet) by its id, the person's future
   * user id; audited. Anything else, or another clinic's invitation, answers 404
   * `invitation_not_found`. Admins only.
   */
  withdrawInvitation: adminProcedure
    .input(z.strictObject({ userId: z.uuid() }))
    .mutation(async ({ ctx, input }) => {
      const withdrawn = await withdrawInvitation(ctx.tx, ctx.identity, input.userId, {
        requestId: ctx.requestId,
      })
      if (!withdrawn) throw apiError('invitation_not_found')
      return { withdrawn: true as const }
    }),

  /**
   * Makes a person of the caller's clinic a therapist or an admin; audited. Admins only. A person of
   * another clinic, or no one, answers 404; demoting the last active admin, or changing an erased
   * person, is refused with 409.
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
   * disabling the last active admin, or re-enabling an erased person, is refused with 409
   * (`last_admin`, `person_erased`).
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

  /**
   * Erases a person of the caller's clinic (someone who left, or who asked): `confirm` must be their
   * name or email as shown. They are signed out and disabled at once; a job then deletes their
   * conversations, messages, folders, exports and export files, sessions and tokens, and replaces
   * their name and email with a placeholder, keeping the id for the audit trail. Answers the receipt
   * (`queued`); `admin.users.erasureReceipt` shows it as it completes. Admins only; never oneself
   * (409), never twice (409), never the last active admin (409); a person of another clinic is 404.
   */
  erase: adminProcedure
    .input(
      z.object({
        userId: z.uuid(),
        confirm: z.string().trim().min(1).max(320),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      try {
        const receipt = await requestErasure(
          ctx.tx,
          ctx.identity,
          input.userId,
          input.confirm,
          ctx.services.jobs,
          { requestId: ctx.requestId },
        )
        if (!receipt) throw apiError('user_not_found')
        return receipt
      } catch (error) {
        if (error instanceof ErasureConfirmationError) {
          throw apiError('erasure_not_confirmed')
        }
        if (error instanceof ErasureConflictError) {
          throw apiError(error.reason === 'self' ? 'erasure_of_self' : 'erasure_exists')
        }
        if (error instanceof LastAdminError) {
          throw apiError('last_admin')
        }
        throw error
      }
    }),

  /**
   * The erasure receipt of a person of the caller's clinic: its state and, once done, the rows removed
   * per table and the files per storage prefix, when, and at whose request. Counts only, never
   * content. Also downloadable as JSON from `GET /api/erasures/<userId>/receipt`. Admins only; no
   * receipt (or a person of another clinic) answers 404.
   */
  erasureReceipt: adminProcedure.input(z.object({ userId: z.uuid() })).query(async ({ ctx, input }) => {
    const receipt = await getErasureReceipt(ctx.tx, ctx.identity, input.userId)
    if (!receipt) throw apiError('erasure_not_found')
    return receipt
  }),

  /** Every erasure receipt of the caller's clinic, newest first (at most 200). Admins only. */
  erasures: adminProcedure.query(({ ctx }) => listErasureReceipts(ctx.tx, ctx.identity)),
})
