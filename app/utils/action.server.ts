// Page actions answer through here, so every area of the workspace answers in one
// shape (ActionResult, ./refusal.ts) and a form can show any of them the same way.
import { json } from '@remix-run/node'
import type { ActionResult } from './refusal.ts'
import { toRefusal } from './trpc.server.ts'

const answer = (status: number) => ({ status, headers: { 'cache-control': 'no-store' } })

/** The intent ran; `done` is what the page shows next (a name, a created id). */
export function actionDone<Done extends object = object>(intent: string, done?: Done) {
  return json({ intent, ok: true, ...done } as ActionResult<Done>, answer(200))
}

/** The procedure refused. Anything that is not a refusal is rethrown for the error boundary (toRefusal). */
export function actionRefused(intent: string, error: unknown, request: Request) {
  const refusal = toRefusal(error, request)
  return json<ActionResult<never>>({ intent, ...refusal }, answer(refusal.status))
}

/** The form named an intent this page does not have. */
export function unknownIntent(intent: string) {
  return json<ActionResult<never>>(
    { intent, ok: false, status: 400, code: 'method_not_allowed', fieldErrors: {} },
    answer(400),
  )
}
