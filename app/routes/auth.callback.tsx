// Where the identity provider sends people back. Success redirects to where
// they were going; a refusal gets a page that says what happened and what to do.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { metaT } from '#app/i18n/meta.ts'
import { finishSignIn } from '#app/utils/sign-in.server.ts'

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches)('meta.signInRefused') }]

const explained = ['unknown_tenant', 'user_disabled', 'missing_claims'] as const

export async function loader({ request, context }: LoaderFunctionArgs) {
  const result = await finishSignIn(request, context)
  if (result instanceof Response) return result
  return json({ reason: result.reason }, { status: result.status, headers: result.headers })
}

export default function SignInRefused() {
  const { t } = useTranslation()
  const { reason } = useLoaderData<typeof loader>()
  const key = (explained as readonly string[]).includes(reason)
    ? (reason as (typeof explained)[number])
    : 'other'
  return (
    <main className="page narrow">
      <h1>{t(`signIn.reasons.${key}.title`)}</h1>
      <p>{t(`signIn.reasons.${key}.text`)}</p>
      <p className="muted">{t('signIn.reference', { reason })}</p>
      <p>
        <a className="button" href="/auth/sign-in">
          {t('signIn.tryAgain')}
        </a>
      </p>
    </main>
  )
}
