import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { getIdentity } from '#app/utils/auth.server.ts'
import { getServices } from '#app/utils/services.server.ts'

export const meta: MetaFunction = () => [{ title: 'ClinAI: the assistant clinics trust' }]

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (await getIdentity(request, context)) throw redirect('/app')
  const { db } = getServices(context)
  const databaseReady = await db.ping(2000).then(
    () => true,
    () => false,
  )
  return { databaseReady }
}

export default function Index() {
  const { databaseReady } = useLoaderData<typeof loader>()
  return (
    <main className="page narrow">
      <h1>ClinAI</h1>
      <p className="muted">
        The AI assistant for clinics: chat about your work, keep conversations in folders, draft consultation
        notes. Each clinic&apos;s data stays its own.
      </p>
      <p>
        <a className="button" href="/auth/sign-in?returnTo=%2Fapp">
          Sign in
        </a>
      </p>
      <section className="card" aria-labelledby="status-heading">
        <h2 id="status-heading">Status</h2>
        <p className={databaseReady ? 'status-ok' : 'status-warn'}>
          {databaseReady
            ? 'Ready: the database is reachable.'
            : 'Starting: the database is not reachable yet.'}
        </p>
      </section>
    </main>
  )
}
