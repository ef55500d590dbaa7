// What a workspace pane shows in place of an item it cannot load: "not found" for a
// 404 (deleted, or never this person's, which the server does not tell apart) and
// "failed" for anything else, each with a way on. Routes use it as their ErrorBoundary.
import { isRouteErrorResponse, Link, useRouteError } from '@remix-run/react'

interface PaneErrorProps {
  /** Names the section for tests and its heading's id: `<name>-error`. */
  name: string
  notFound: { title: string; text: string }
  failed: { title: string; text: string }
  back: { to: string; label: string }
}

export function PaneError({ name, notFound, failed, back }: PaneErrorProps) {
  const error = useRouteError()
  const words = isRouteErrorResponse(error) && error.status === 404 ? notFound : failed
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
          to={back.to}
          className="rounded-lg bg-blue-700 px-4 py-2 font-semibold text-white hover:bg-blue-800 dark:bg-blue-300 dark:text-slate-950"
        >
          {back.label}
        </Link>
      </p>
    </section>
  )
}
