import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { metaT } from '#app/i18n/meta.ts'
import { getIdentity } from '#app/utils/auth.server.ts'
import { getServices } from '#app/utils/services.server.ts'

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches)('meta.home') }]

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
  const { t } = useTranslation()
  const { databaseReady } = useLoaderData<typeof loader>()
  const [params] = useSearchParams()
  return (
    <main className="page narrow">
      <h1>ClinAI</h1>
      {params.has('signedOut') ? <p role="status">{t('home.signedOut')}</p> : null}
      <p className="muted">{t('home.intro')}</p>
      <p>
        <a className="button" href="/auth/sign-in?returnTo=%2Fapp">
          {t('home.signIn')}
        </a>
      </p>
      <section className="card" aria-labelledby="status-heading">
        <h2 id="status-heading">{t('home.status')}</h2>
        <p className={databaseReady ? 'status-ok' : 'status-warn'}>
          {databaseReady ? t('home.ready') : t('home.starting')}
        </p>
      </section>
    </main>
  )
}
