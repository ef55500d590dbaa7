// The signed-in person's exports, for the account menu's dialog: GET lists them, POST asks for one.
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import type { Refusal } from '#app/utils/refusal.ts'
import { getCaller, toRefusal } from '#app/utils/trpc.server.ts'

const noStore = { 'cache-control': 'no-store' }

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { caller } = await getCaller(request, context)
  return json({ exports: await caller.exports.list() }, { headers: noStore })
}

export type ExportsActionResult = { ok: true } | Refusal

export async function action({ request, context }: ActionFunctionArgs) {
  const { caller } = await getCaller(request, context)
  try {
    await caller.exports.create()
    return json<ExportsActionResult>({ ok: true }, { headers: noStore })
  } catch (error) {
    const refusal = toRefusal(error, request)
    return json<ExportsActionResult>(refusal, { status: refusal.status, headers: noStore })
  }
}
