// Bridge: serves /api/trpc with the session cookie or a personal access token.
import type { AppLoadContext } from '@remix-run/node'
import { fetchRequestHandler } from '@trpc/server/adapters/fetch'
import { authenticateRequest } from '#server/auth/authenticate.ts'
import { createContext } from '#server/trpc/context.ts'
import { appRouter } from '#server/trpc/root.ts'

export function handleTrpcRequest(request: Request, context: AppLoadContext): Promise<Response> {
  const { services, requestId } = context
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req: request,
    router: appRouter,
    allowBatching: true,
    async createContext({ resHeaders }) {
      const { identity, failure } = await authenticateRequest(services, request)
      return createContext({ services, requestId, identity, authFailure: failure, resHeaders })
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
