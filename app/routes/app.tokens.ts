// Personal access tokens of the signed-in person, for the account menu's dialog:
// GET lists them, POST creates one (its secret is in that answer only) or revokes one.
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { readForm } from '#app/utils/read-form.ts'
import type { Refusal } from '#app/utils/refusal.ts'
import { getCaller, toRefusal } from '#app/utils/trpc.server.ts'

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

export type TokensActionResult = { intent: string } & ({ ok: true; created?: CreatedToken } | Refusal)

export async function action({ request, context }: ActionFunctionArgs) {
  const { caller } = await getCaller(request, context)
  const form = await readForm(request)
  const intent = String(form.get('intent') ?? '')
  const text = (name: string) => {
    const value = form.get(name)
    return typeof value === 'string' ? value : ''
  }
  try {
    if (intent === 'token.create') {
      const expires = text('expiresInDays')
      const created = await caller.tokens.create({
        name: text('name'),
        // "never" is null; anything else is a number of days the procedure bounds.
        expiresInDays: expires === 'never' ? null : Number(expires || '90'),
      })
      const body: TokensActionResult = {
        intent,
        ok: true,
        created: { id: created.id, name: created.name, token: created.token, expiresAt: created.expiresAt },
      }
      return json(body, { headers: noStore })
    }
    if (intent === 'token.revoke') {
      await caller.tokens.revoke({ id: text('id') })
      return json<TokensActionResult>({ intent, ok: true }, { headers: noStore })
    }
    return json<TokensActionResult>(
      { intent, ok: false, status: 400, code: 'method_not_allowed', fieldErrors: {} },
      { status: 400 },
    )
  } catch (error) {
    const refusal = toRefusal(error, request)
    return json<TokensActionResult>({ intent, ...refusal }, { status: refusal.status, headers: noStore })
  }
}
