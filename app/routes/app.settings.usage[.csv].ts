// GET /app/settings/usage.csv?month=YYYY-MM: the month's usage roll-up rows (day,
// person, model) as CSV, for admins. Identifiers and counts only.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { requireAdmin } from '#app/utils/auth.server.ts'
import { csvResponse, toCsv } from '#app/utils/csv.server.ts'
import { getCaller, toRefusal } from '#app/utils/trpc.server.ts'

export async function loader({ request, context }: LoaderFunctionArgs) {
  // A resource route runs without its parents' loaders: it checks the admin itself.
  await requireAdmin(request, context)
  const { caller } = await getCaller(request, context)
  const month = new URL(request.url).searchParams.get('month')
  const result = await caller.admin.usage
    .rows({ month: month && /^\d{4}-\d{2}$/.test(month) ? month : null })
    .catch((error: unknown) => {
      const refusal = toRefusal(error, request)
      throw Response.json(
        { code: refusal.code },
        { status: refusal.status, headers: { 'cache-control': 'no-store' } },
      )
    })
  const { month: counted, rows } = result
  const csv = toCsv(
    [
      'day',
      'user_id',
      'name',
      'model',
      'requests',
      'prompt_tokens',
      'completion_tokens',
      'estimated_tokens',
      'tokens',
    ],
    rows.map((row) => [
      row.day,
      row.userId,
      row.name,
      row.model,
      row.requests,
      row.promptTokens,
      row.completionTokens,
      row.estimatedTokens,
      row.tokens,
    ]),
  )
  return csvResponse(`clinai-usage-${counted}.csv`, csv)
}
