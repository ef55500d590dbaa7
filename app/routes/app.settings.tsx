// The settings area (/app/settings/…), inside the workspace: its frame and
// sections for the clinic's admins. Anyone else gets a 403 page here, never a blank
// screen; every procedure behind it refuses them too.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Link, Outlet, useLocation } from '@remix-run/react'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { SettingsNav } from '#app/components/settings/settings-nav.tsx'
import { useErrorStatus } from '#app/components/ui/pane-error.tsx'
import { metaT } from '#app/i18n/meta.ts'
import { getCaller } from '#app/utils/trpc.server.ts'

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches)('settings.title') }]

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { caller } = await getCaller(request, context)
  const me = await caller.me.get()
  if (me.user.role !== 'admin') throw new Response('Forbidden', { status: 403 })
  return json({ clinic: me.clinic.name }, { headers: { 'cache-control': 'no-store' } })
}

function Frame({ children }: { children: ReactNode }) {
  return <div className="mx-auto w-full max-w-5xl px-4 py-6 sm:px-8 sm:py-8">{children}</div>
}

export default function Settings() {
  const { t } = useTranslation()
  return (
    <Frame>
      <h1 className="text-2xl font-semibold tracking-tight">{t('settings.title')}</h1>
      <div className="mt-4">
        <SettingsNav />
      </div>
      <div className="mt-6">
        <Outlet />
      </div>
    </Frame>
  )
}

export function ErrorBoundary() {
  const { t } = useTranslation()
  const status = useErrorStatus()
  const location = useLocation()
  const [title, text] =
    status === 403
      ? [t('settings.forbiddenTitle'), t('settings.forbiddenText')]
      : status === 503
        ? [t('errors.unavailableTitle'), t('errors.unavailableText')]
        : [t('errors.failedTitle'), t('errors.failedText')]
  return (
    <Frame>
      <section aria-labelledby="settings-error" data-testid="settings-error">
        <h1 id="settings-error" className="text-2xl font-semibold tracking-tight">
          {title}
        </h1>
        <p className="mt-2 text-slate-700 dark:text-slate-300">{text}</p>
        <p className="mt-4">
          <Link
            to={status === 503 ? location.pathname + location.search : '/app'}
            className="rounded font-medium text-blue-700 underline dark:text-blue-300"
          >
            {status === 503 ? t('errors.tryAgain') : t('settings.back')}
          </Link>
        </p>
      </section>
    </Frame>
  )
}
