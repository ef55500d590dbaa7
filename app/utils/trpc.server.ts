// Bridge: loaders and actions call the same tRPC procedures as scripts, through
// a server-side caller built from the request's session.
import type { AppLoadContext } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { TRPCError } from '@trpc/server'
import { z } from 'zod'
import { fieldErrorsOf } from '#server/contract/validation.ts'
import { createContext } from '#server/trpc/context.ts'
import { apiErrorCode } from '#server/trpc/errors.ts'
import { createCaller } from '#server/trpc/root.ts'
import { requireUser } from './auth.server.ts'
import { databaseUnavailableResponse } from './outage.server.ts'
import type { Refusal } from './refusal.ts'

export async function getCaller(request: Request, context: AppLoadContext) {
  const identity = await requireUser(request, context)
  const caller = createCaller(
    createContext({ services: context.services, requestId: context.requestId, identity }),
    {
      // The database could not be reached: the page answers 503 (error boundary), not 500.
      onError({ error }) {
        if (error.message === 'database_unavailable') throw databaseUnavailableResponse()
      },
    },
  )
  return { caller, identity }
}

const statusByCode: Partial<Record<TRPCError['code'], number>> = {
  BAD_REQUEST: 400,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_MANY_REQUESTS: 429,
}

/**
 * A procedure's refusal as something a form can show next to its fields. The
 * server-side caller throws the raw TRPCError (the HTTP error formatter does not
 * run), so codes and field errors come from it here, as they do on the wire.
 * Anything that is not a refusal (a bug, the database down) is rethrown for the
 * error boundary; an expired session goes back to sign-in.
 */
export function toRefusal(error: unknown, request: Request): Refusal {
  if (!(error instanceof TRPCError)) throw error
  if (error.code === 'UNAUTHORIZED') {
    const url = new URL(request.url)
    throw redirect(`/auth/sign-in?returnTo=${encodeURIComponent(url.pathname)}`)
  }
  const status = statusByCode[error.code]
  if (!status) throw error
  if (error.code === 'BAD_REQUEST' && error.cause instanceof z.ZodError) {
    const { fieldErrors } = fieldErrorsOf(error.cause)
    const first: Refusal['fieldErrors'] = {}
    for (const [field, codes] of Object.entries(fieldErrors)) if (codes[0]) first[field] = codes[0]
    return { ok: false, status, code: 'invalid_input', fieldErrors: first }
  }
  return { ok: false, status, code: apiErrorCode(error), fieldErrors: {} }
}
