// The front door: what ClinAI is and a way to sign in. Signed-in people go straight to
// their workspace; after signing out the page says so.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Logo } from '#app/components/ui/logo.tsx'
import { metaT } from '#app/i18n/meta.ts'
import { getIdentity } from '#app/utils/auth.server.ts'

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches)('meta.home') }]

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (await getIdentity(request, context)) throw redirect('/app')
  return null
}

const SIGN_IN = '/auth/sign-in?returnTo=%2Fapp'
const signInButton =
  'inline-flex items-center justify-center rounded-lg bg-blue-700 px-5 py-2.5 font-semibold text-white hover:bg-blue-800'

export default function Index() {
  const { t } = useTranslation()
  const [params] = useSearchParams()
  const signedOut = params.has('signedOut')
  const features = ['chat', 'notes', 'privacy'] as const
  return (
    <div className="flex min-h-screen flex-col bg-slate-50 dark:bg-slate-950">
      <header className="mx-auto w-full max-w-5xl px-5 py-5">
        <Logo wordmark />
      </header>
      <main className="mx-auto w-full max-w-5xl flex-1 px-5 pb-12">
        {signedOut ? (
          <div
            role="status"
            className="mb-8 rounded-xl border border-green-700/40 bg-green-50 px-5 py-4 text-green-950 dark:border-green-400/40 dark:bg-green-950 dark:text-green-50"
          >
            <p className="font-semibold">{t('home.signedOut')}</p>
            <p className="mt-1 text-sm">{t('home.signedOutText')}</p>
          </div>
        ) : null}
        <section aria-labelledby="home-heading" className="max-w-2xl py-8 sm:py-14">
          <h1 id="home-heading" className="text-3xl font-semibold tracking-tight sm:text-4xl">
            {t('home.headline')}
          </h1>
          <p className="mt-4 text-lg text-slate-700 dark:text-slate-300">{t('home.intro')}</p>
          <p className="mt-8 flex flex-wrap items-center gap-x-4 gap-y-2">
            <a href={SIGN_IN} className={signInButton}>
              {signedOut ? t('home.signInAgain') : t('home.signIn')}
            </a>
            <span className="text-sm text-slate-600 dark:text-slate-300">{t('home.signInHint')}</span>
          </p>
        </section>
        <ul className="grid gap-4 sm:grid-cols-3" aria-label={t('home.featuresLabel')}>
          {features.map((feature) => (
            <li
              key={feature}
              className="rounded-xl border border-slate-200 bg-white px-5 py-4 dark:border-slate-800 dark:bg-slate-900"
            >
              <h2 className="font-semibold">{t(`home.features.${feature}.title`)}</h2>
              <p className="mt-1 text-sm text-slate-700 dark:text-slate-300">
                {t(`home.features.${feature}.text`)}
              </p>
            </li>
          ))}
        </ul>
      </main>
      <footer className="mx-auto w-full max-w-5xl px-5 py-6 text-sm text-slate-600 dark:text-slate-300">
        {t('home.footer')}
      </footer>
    </div>
  )
}
