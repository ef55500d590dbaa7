// Readiness: can this instance serve requests? Today that means the database answers.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { getServices } from '#app/utils/services.server.ts'

export async function loader({ context }: LoaderFunctionArgs) {
  const { db, logger } = getServices(context)
  const headers = { 'cache-control': 'no-store' }
  try {
    await db.ping(2000)
    return Response.json({ status: 'ready', checks: { database: 'ok' } }, { headers })
  } catch (error) {
    logger.warn({ requestId: context.requestId, err: errorCode(error) }, 'readiness check failed')
    return Response.json(
      { status: 'unavailable', reason: 'database_unreachable', checks: { database: 'unreachable' } },
      { status: 503, headers },
    )
  }
}

function errorCode(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error) return String(error.code)
  return error instanceof Error ? error.name : 'unknown'
}
