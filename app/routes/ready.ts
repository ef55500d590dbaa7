// Readiness, the path App Service's health check and slot warm-up use: the database, the
// job queue and Blob, each by name (server/health/readiness.ts). 503 takes the instance out
// of the load balancer; a Blob outage alone answers 200 `degraded`.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { getServices } from '#app/utils/services.server.ts'

export async function loader({ context }: LoaderFunctionArgs) {
  const { readiness, logger } = getServices(context)
  const report = await readiness.check()
  const headers = { 'cache-control': 'no-store' }
  if (report.status === 'unavailable') {
    logger.warn({ requestId: context.requestId, checks: report.checks }, 'readiness check failed')
    return Response.json(report, { status: 503, headers: { ...headers, 'retry-after': '5' } })
  }
  return Response.json(report, { headers })
}
