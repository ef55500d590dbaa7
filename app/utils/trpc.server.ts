// Bridge: loaders and actions call the same tRPC procedures as scripts, through
// a server-side caller built from the request's session.
import type { AppLoadContext } from '@remix-run/node'
import { createContext } from '#server/trpc/context.ts'
import { createCaller } from '#server/trpc/root.ts'
import { requireUser } from './auth.server.ts'

export async function getCaller(request: Request, context: AppLoadContext) {
  const identity = await requireUser(request, context)
  const caller = createCaller(
    createContext({ services: context.services, requestId: context.requestId, identity }),
  )
  return { caller, identity }
}
