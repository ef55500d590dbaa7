// Personal access tokens of the signed-in person, for the account menu's dialog:
// GET lists them, POST creates one (its secret is in that answer only) or revokes one.
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { readForm } from '#app/utils/read-form.ts'
import type { ActionResult } from '#app/utils/refusal.ts'
import { getCaller } from '#app/utils/trpc.server.ts'
import { actionDone, actionRefused, unknownIntent } from '#app/utils/action.server.ts'
import { formText } from '#app/utils/settings-form.ts'

const noStore = { 'cache-control': 'no-store' }

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { caller } = await getCaller(request, context)
  return json({ tokens: await caller.tokens.list() }, { headers: noStore })
}

export interface CreatedToken {
  id: string
  name: string
  token: string
  expiresAt: string | null
}

export type TokensActionResult = ActionResult<{ created?: CreatedToken }>

export async function action({ request, context }: ActionFunctionArgs) {
  const { caller } = await getCaller(request, context)
  const form = await readForm(request)
  const intent = formText(form, 'intent')
  const text = (name: string) => formText(form, name)
  try {
    if (intent === 'token.create') {
      const expires = text('expiresInDays')
      const created = await caller.tokens.create({
        name: text('name'),
        // "never" is null; anything else is a number of days the procedure bounds.
        expiresInDays: expires === 'never' ? null : Number(expires || '90'),
      })
      return actionDone(intent, {
        created: { id: created.id, name: created.name, token: created.token, expiresAt: created.expiresAt },
      })
    }
    if (intent === 'token.revoke') {
      await caller.tokens.revoke({ id: text('id') })
      return actionDone(intent)
    }
    return unknownIntent(intent)
  } catch (error) {
    return actionRefused(intent, error, request)
  }
}
