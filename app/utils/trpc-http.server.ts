// Bridge: serves /api/trpc with the session cookie or a personal access token.
import type { AppLoadContext } from '@remix-run/node'
import { TRPCError } from '@trpc/server'
import { fetchRequestHandler } from '@trpc/server/adapters/fetch'
import { authenticateRequest } from '#server/auth/authenticate.ts'
import type { Identity } from '#server/auth/identity.ts'
import type { AppContext } from '#server/app-context.ts'
import { createContext } from '#server/trpc/context.ts'
import { asDatabaseOutage } from '#server/trpc/errors.ts'
import { MAX_BATCH_CALLS } from '#server/trpc/limits.ts'
import { appRouter } from '#server/trpc/root.ts'
import { setRequestRoute } from '#server/telemetry/index.ts'

export function handleTrpcRequest(request: Request, context: AppLoadContext): Promise<Response> {
  const { services, requestId } = context
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req: request,
    router: appRouter,
    allowBatching: true,
    // One request may not become a thousand transactions; larger batches are a 400.
    maxBatchSize: MAX_BATCH_CALLS,
    async createContext({ resHeaders, info }) {
      nameRequest(
        request.method,
        info.calls.map((call) => call.path),
      )
      try {
        const { identity, failure } = await authenticateRequest(services, request)
        if (identity) await takeApiRateLimit(services, identity, Math.max(1, info.calls.length), resHeaders)
        return createContext({ services, requestId, identity, authFailure: failure, resHeaders })
      } catch (error) {
        // The session or the limits could not be read: 503 database_unavailable, not a 500.
        throw asDatabaseOutage(error, resHeaders)
      }
    },
    onError({ error, path, type }) {
      // Codes and paths only: inputs may hold clinical text.
      const level = error.code === 'INTERNAL_SERVER_ERROR' ? 'error' : 'debug'
      services.logger[level](
        { requestId, path, type, code: error.code, cause: error.cause?.name },
        'trpc error',
      )
    },
    responseMeta() {
      return { headers: new Headers({ 'cache-control': 'no-store' }) }
    },
  })
}

const procedures = appRouter._def.procedures as Record<string, unknown>

/** `/api/trpc/conversations.list,folders.list` in telemetry, when every name is one of ours. */
function nameRequest(method: string, paths: string[]) {
  if (paths.length === 0 || !paths.every((path) => Object.hasOwn(procedures, path))) return
  setRequestRoute(method, `/api/trpc/${[...new Set(paths)].join(',')}`)
}

/**
 * Every call of a batch counts: for a script against its token first (a refused token
 * spends none of its person's room), then against the person, whatever the credential.
 */
async function takeApiRateLimit(
  services: AppContext,
  identity: Identity,
  calls: number,
  resHeaders: Headers,
) {
  const { person, token } = services.apiRateLimiters
  const refuse = (retryAfterSeconds: number) => {
    resHeaders.set('retry-after', String(retryAfterSeconds))
    return new TRPCError({ code: 'TOO_MANY_REQUESTS', message: 'rate_limited' })
  }
  if (identity.via === 'token') {
    const decision = await token.take(`${identity.tenantId}:${identity.credentialId}`, calls)
    if (!decision.allowed) throw refuse(decision.retryAfterSeconds)
  }
  const decision = await person.take(`${identity.tenantId}:${identity.userId}`, calls)
  if (!decision.allowed) throw refuse(decision.retryAfterSeconds)
}
