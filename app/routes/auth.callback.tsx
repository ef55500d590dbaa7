// Where the identity provider sends people back. Success redirects to where
// they were going; a refusal gets a page that says what happened and what to do.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { finishSignIn } from '#app/utils/sign-in.server.ts'

export const meta: MetaFunction = () => [{ title: 'Sign-in refused · ClinAI' }]

const explanations: Record<string, { title: string; text: string }> = {
  unknown_tenant: {
    title: 'Your organisation is not set up in ClinAI',
    text: 'Your account does not belong to a clinic that uses ClinAI. Please ask your clinic’s administrator.',
  },
  user_disabled: {
    title: 'Your account is disabled',
    text: 'An administrator of your clinic has disabled your account. Please contact them if this is unexpected.',
  },
  missing_claims: {
    title: 'Your account is missing information',
    text: 'The identity provider did not send an email address for your account. Please contact your administrator.',
  },
}
const fallback = {
  title: 'Sign-in could not be completed',
  text: 'The sign-in expired or could not be verified. Please try again.',
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const result = await finishSignIn(request, context)
  if (result instanceof Response) return result
  return json({ reason: result.reason }, { status: result.status, headers: result.headers })
}

export default function SignInRefused() {
  const { reason } = useLoaderData<typeof loader>()
  const { title, text } = explanations[reason] ?? fallback
  return (
    <main className="page narrow">
      <h1>{title}</h1>
      <p>{text}</p>
      <p className="muted">{`Reference: ${reason}`}</p>
      <p>
        <a className="button" href="/auth/sign-in">
          Try again
        </a>
      </p>
    </main>
  )
}
