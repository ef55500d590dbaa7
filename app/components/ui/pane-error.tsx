// What a workspace pane shows in place of an item it cannot load: "not found" for a
// 404 (deleted, or never this person's, which the server does not tell apart),
// "briefly unavailable" for a 503 (the database is unreachable; nothing is lost and
// the same link works again in a moment) and "failed" for anything else, each with a
// way on. Routes use it as their ErrorBoundary.
import { isRouteErrorResponse, Link, useLocation, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'

interface PaneErrorProps {
  /** Names the section for tests and its heading's id: `<name>-error`. */
  name: string
  notFound: { title: string; text: string }
  failed: { title: string; text: string }
  back: { to: string; label: string }
}

/** The status a route's error answered with; anything that is not a response counts as 500. */
export function useErrorStatus(): number {
  const error = useRouteError()
  return isRouteErrorResponse(error) ? error.status : 500
}

export function PaneError({ name, notFound, failed, back }: PaneErrorProps) {
  const { t } = useTranslation()
  const status = useErrorStatus()
  const location = useLocation()
  const unavailable = status === 503
  const words =
    status === 404
      ? notFound
      : unavailable
        ? { title: t('errors.unavailableTitle'), text: t('errors.unavailableText') }
        : failed
  // Unavailable: the same page again is the way on (the sidebar still works).
  const next = unavailable ? { to: location.pathname + location.search, label: t('errors.tryAgain') } : back
  return (
    <section
      aria-labelledby={`${name}-error`}
      data-testid={`${name}-error`}
      className="mx-auto max-w-xl px-4 py-16 text-center text-slate-900 dark:text-slate-100"
    >
      <h1 id={`${name}-error`} className="text-2xl font-semibold tracking-tight">
        {words.title}
      </h1>
      <p className="mt-2 text-slate-700 dark:text-slate-300">{words.text}</p>
      <p className="mt-6">
        <Link
          to={next.to}
          className="rounded-lg bg-blue-700 px-4 py-2 font-semibold text-white hover:bg-blue-800 dark:bg-blue-300 dark:text-slate-950"
        >
          {next.label}
        </Link>
      </p>
    </section>
  )
}
