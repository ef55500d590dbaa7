// The signed-in person's exports, for the account menu's dialog: GET lists them, POST asks for one.
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import type { ActionResult } from '#app/utils/refusal.ts'
import { getCaller } from '#app/utils/trpc.server.ts'
import { actionDone, actionRefused } from '#app/utils/action.server.ts'

const noStore = { 'cache-control': 'no-store' }

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { caller } = await getCaller(request, context)
  return json({ exports: await caller.exports.list() }, { headers: noStore })
}

export type ExportsActionResult = ActionResult

/** The dialog's one form asks for an export of everything the person holds. */
export async function action({ request, context }: ActionFunctionArgs) {
  const { caller } = await getCaller(request, context)
  const intent = 'export.create'
  try {
    await caller.exports.create()
    return actionDone(intent)
  } catch (error) {
    return actionRefused(intent, error, request)
  }
}
