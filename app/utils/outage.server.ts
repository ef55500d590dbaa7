// Bridge: a page whose database cannot be reached answers 503 with Retry-After and the
// friendly page of the error boundary (root.tsx), rather than a 500.
import { isDatabaseUnavailable } from '#db/client.ts'
import { DATABASE_RETRY_AFTER_SECONDS } from '#server/trpc/errors.ts'

export function databaseUnavailableResponse(): Response {
  return Response.json(
    { code: 'database_unavailable' },
    {
      status: 503,
      headers: { 'retry-after': String(DATABASE_RETRY_AFTER_SECONDS), 'cache-control': 'no-store' },
    },
  )
}

/** Rethrows `error`, as the 503 response when it says the database is unreachable. */
export function rethrowAsOutage(error: unknown): never {
  if (isDatabaseUnavailable(error)) throw databaseUnavailableResponse()
  throw error
}
