// Any other address under /app: a "not found" in the main pane, with the sidebar
// still there to go somewhere else.
import type { MetaFunction } from '@remix-run/node'
import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { metaT } from '#app/i18n/meta.ts'

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches)('meta.notFound') }]

export function loader() {
  throw new Response('Not found', { status: 404 })
}

export function ErrorBoundary() {
  const { t } = useTranslation()
  return (
    <div className="mx-auto w-full max-w-2xl px-4 py-10 sm:px-8">
      <h1 className="text-2xl font-semibold tracking-tight">{t('errors.notFoundTitle')}</h1>
      <p className="mt-2 text-slate-700 dark:text-slate-300">{t('errors.workspaceNotFoundText')}</p>
      <p className="mt-4">
        <Link to="/app" className="rounded font-medium text-blue-700 underline dark:text-blue-300">
          {t('errors.backToStart')}
        </Link>
      </p>
    </div>
  )
}

export default function NotFound() {
  return null
}
