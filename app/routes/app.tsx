// The signed-in home. For now it says who you are; the workspace grows here.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Outlet, useLoaderData } from '@remix-run/react'
import { getCaller } from '#app/utils/trpc.server.ts'

export const meta: MetaFunction = () => [{ title: 'ClinAI' }]

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { caller } = await getCaller(request, context)
  return { me: await caller.me.get() }
}

export default function AppHome() {
  const { me } = useLoaderData<typeof loader>()
  return (
    <main className="page narrow">
      <header className="account-bar">
        <div>
          <h1>ClinAI</h1>
          <p data-testid="whoami">
            Signed in as <strong>{me.user.name}</strong> ({me.user.email})
          </p>
          <p>
            Clinic: <strong data-testid="clinic">{me.clinic.name}</strong> · Role:{' '}
            <strong data-testid="role">{me.user.role}</strong>
          </p>
        </div>
        <Form method="post" action="/auth/sign-out">
          <button className="button" type="submit">
            Sign out
          </button>
        </Form>
      </header>
      <Outlet />
    </main>
  )
}
