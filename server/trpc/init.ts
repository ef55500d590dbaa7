// One place builds every procedure kind:
//   publicProcedure  anyone
//   authedProcedure  a signed-in person or a personal access token (who)
//   tenantProcedure  + ctx.tx, one transaction that checks the credential first (who, where)
//   adminProcedure   + the caller is an admin of their clinic (what)
import { initTRPC } from '@trpc/server'
import { z } from 'zod'
import type { Tx } from '#db/client.ts'
import { refusal, resolveCredential, withCredential, type Credential } from '#server/auth/authenticate.ts'
import type { Identity } from '#server/auth/identity.ts'
import { fieldErrorsOf } from '#server/contract/validation.ts'
import { apiError, apiErrorCode, asDatabaseOutage } from './errors.ts'
import type { TrpcContext } from './context.ts'

export type ProcedureKind = 'public' | 'authed' | 'tenant' | 'admin'

/** Each kind tags its procedures, so tools (the API reference) can tell them apart at runtime. */
export interface ProcedureMeta {
  kind: ProcedureKind
}

const withMeta = initTRPC.context<TrpcContext>().meta<ProcedureMeta>()

const t = withMeta.create({
  // No transformer: the wire format is plain JSON with ISO-8601 strings for
  // times, so scripts in any language can call the API (see docs/api-reference.md).
  errorFormatter({ shape, error, ctx }) {
    const isProduction = ctx?.services.config.isProduction ?? true
    const validation =
      error.code === 'BAD_REQUEST' && error.cause instanceof z.ZodError
        ? fieldErrorsOf(error.cause)
        : undefined
    const internal = error.code === 'INTERNAL_SERVER_ERROR'
    return {
      ...shape,
      // A code of server/contract/codes.ts, never a sentence: no SQL, no stack, no library
      // message; the browser words it in the reader's language.
      message: validation ? 'invalid_input' : apiErrorCode(error),
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        requestId: ctx?.requestId,
        // Validation codes by field path ("name", "items.0.title"); formErrors for the input as a whole.
        ...(validation ?? {}),
        ...(!isProduction && !internal && shape.data.stack ? { stack: shape.data.stack } : {}),
      },
    }
  },
})

export const router = t.router
export const mergeRouters = t.mergeRouters
export const createCallerFactory = t.createCallerFactory
export const middleware = t.middleware

// Outermost: a database that cannot be reached, wherever a procedure or a middleware met it,
// answers 503 `database_unavailable` (with Retry-After), not a 500.
const databaseOutages = t.middleware(async ({ ctx, next }) => {
  const result = await next()
  if (!result.ok) {
    const mapped = asDatabaseOutage(result.error.cause ?? result.error, ctx.resHeaders)
    if (mapped !== (result.error.cause ?? result.error)) throw mapped
  }
  return result
})

const anyCaller = t.procedure
  .use(databaseOutages)
  .meta({ kind: 'public' })
  .use(({ ctx, next }) => {
    // A refused credential is a 401 everywhere, not a silent downgrade to anonymous.
    if (ctx.authFailure) throw apiError('credentials_refused')
    return next()
  })

/** A credential refused when a procedure checked it: the 401 its kind had before the check moved here. */
function refusedCredential(credential: Credential) {
  return apiError(refusal(credential).failure ? 'credentials_refused' : 'unauthenticated')
}

const requireIdentity = t.middleware(async ({ ctx, next }) => {
  if (ctx.identity) return next({ ctx: { identity: ctx.identity } })
  if (!ctx.credential) throw apiError('unauthenticated')
  // No transaction to join: the credential is checked on its own.
  const identity = await resolveCredential(ctx.services, ctx.credential)
  if (!identity) throw refusedCredential(ctx.credential)
  return next({ ctx: { identity } })
})

export const authedProcedure = anyCaller.meta({ kind: 'authed' }).use(requireIdentity)

/**
 * Anyone; a credential that came along is still checked (on its own: there is no transaction
 * to join), so a refused one is a 401 here too and a good one gives the procedure its identity.
 */
export const publicProcedure = anyCaller.meta({ kind: 'public' }).use(async ({ ctx, next }) => {
  if (ctx.identity || !ctx.credential) return next()
  const identity = await resolveCredential(ctx.services, ctx.credential)
  if (!identity) throw refusedCredential(ctx.credential)
  return next({ ctx: { identity } })
})

/**
 * The procedure in one transaction under the caller's clinic, user and role. A request's
 * credential is checked as that transaction's first statement (which also sets the clinic and
 * the person), so a call is one transaction, its authentication included.
 */
const inTenantTransaction = t.middleware(async ({ ctx, next }) => {
  const run = async (tx: Tx, identity: Identity) => {
    const inner = await next({ ctx: { tx: tx as Tx, identity } })
    // next() reports failure as a value; throwing here rolls the transaction back.
    if (!inner.ok) throw inner.error
    return inner
  }
  if (ctx.identity) {
    const identity = ctx.identity
    return ctx.services.db.withTenant(
      { tenantId: identity.tenantId, userId: identity.userId, role: identity.role },
      (tx) => run(tx, identity),
    )
  }
  if (!ctx.credential) throw apiError('unauthenticated')
  const checked = await withCredential(ctx.services, ctx.credential, run)
  if (!checked) throw refusedCredential(ctx.credential)
  return checked.value
})

export const tenantProcedure = anyCaller.meta({ kind: 'tenant' }).use(inTenantTransaction)

export function requireRole(role: Identity['role']) {
  return t.middleware(({ ctx, next }) => {
    if (ctx.identity?.role !== role) {
      throw apiError('forbidden')
    }
    return next()
  })
}

export const adminProcedure = tenantProcedure.meta({ kind: 'admin' }).use(requireRole('admin'))
