// GET /app/settings/audit.csv?actor=&action=&from=&to=: the matching audit events,
// newest first, as CSV for admins, with each event's place and hashes in the chain.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { readAuditFilters } from '#app/utils/audit-filters.ts'
import { requireAdmin } from '#app/utils/auth.server.ts'
import { csvResponse, toCsv } from '#app/utils/csv.server.ts'
import { getCaller, toRefusal } from '#app/utils/trpc.server.ts'

export async function loader({ request, context }: LoaderFunctionArgs) {
  // A resource route runs without its parents' loaders: it checks the admin itself.
  await requireAdmin(request, context)
  const { caller } = await getCaller(request, context)
  const filters = readAuditFilters(new URL(request.url).searchParams)
  const { items } = await caller.admin.audit.export(filters).catch((error: unknown) => {
    const refusal = toRefusal(error, request)
    throw Response.json(
      { code: refusal.code },
      { status: refusal.status, headers: { 'cache-control': 'no-store' } },
    )
  })
  const csv = toCsv(
    [
      'seq',
      'created_at',
      'actor_user_id',
      'actor_name',
      'action',
      'target_type',
      'target_id',
      'request_id',
      'details',
    ],
    items.map((item) => [
      item.seq,
      item.createdAt,
      item.actorUserId,
      item.actorName,
      item.action,
      item.targetType,
      item.targetId,
      item.requestId,
      item.details ? JSON.stringify(item.details) : null,
    ]),
  )
  return csvResponse(`clinai-audit-${new Date().toISOString().slice(0, 10)}.csv`, csv)
}
