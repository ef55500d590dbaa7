// Bridge: serves /api/trpc with the session cookie or a personal access token.
import type { AppLoadContext } from '@remix-run/node'
import { TRPCError } from '@trpc/server'
import { fetchRequestHandler } from '@trpc/server/adapters/fetch'
import {
  readCredential,
  refusal,
  resolveCredential,
  type Credential,
  type CredentialOwner,
} from '#server/auth/authenticate.ts'
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
        return await admit(services, requestId, request, Math.max(1, info.calls.length), resHeaders)
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
 * The request's context: its credential, read without a round trip, and the API rate limit
 * taken for its person. The credential itself is checked by each procedure as the first
 * statement of its transaction (server/trpc/init.ts); here its person is known from the last
 * check in this process, or, for a credential not seen yet, from a check of its own. A
 * refusal (429) is only sent once the credential is known good, so a revoked or expired one
 * still gets its 401.
 */
async function admit(
  services: AppContext,
  requestId: string,
  request: Request,
  calls: number,
  resHeaders: Headers,
) {
  const { credential, failure } = await readCredential(services.config, request)
  if (!credential)
    return createContext({ services, requestId, identity: null, authFailure: failure, resHeaders })
  const refused = () =>
    createContext({ services, requestId, identity: null, ...refusalOf(credential), resHeaders })
  let owner: CredentialOwner | undefined = services.credentialOwners.get(credential)
  let checked = false
  if (!owner) {
    owner = (await resolveCredential(services, credential)) ?? undefined
    if (!owner) return refused()
    checked = true
  }
  const limited = await takeApiRateLimit(services, credential, owner, calls)
  if (limited) {
    if (!checked && !(await resolveCredential(services, credential))) return refused()
    resHeaders.set('retry-after', String(limited.retryAfterSeconds))
    throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: 'rate_limited' })
  }
  return createContext({ services, requestId, identity: null, credential, resHeaders })
}

function refusalOf(credential: Credential) {
  return { authFailure: refusal(credential).failure }
}

/**
 * Every call of a batch counts: for a script against its token first (a refused token
 * spends none of its person's room), then against the person, whatever the credential.
 */
async function takeApiRateLimit(
  services: AppContext,
  credential: Credential,
  owner: CredentialOwner,
  calls: number,
): Promise<{ retryAfterSeconds: number } | null> {
  const { person, token } = services.apiRateLimiters
  if (credential.via === 'token') {
    const decision = await token.take(`${owner.tenantId}:${owner.credentialId}`, calls)
    if (!decision.allowed) return decision
  }
  const decision = await person.take(`${owner.tenantId}:${owner.userId}`, calls)
  return decision.allowed ? null : decision
}
