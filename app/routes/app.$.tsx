// Any other address under /app: a "not found" in the main pane, with the sidebar
// still there to go somewhere else.
import type { MetaFunction } from '@remix-run/node'
import { Link } from '@remix-run/react'

export const meta: MetaFunction = () => [{ title: 'Not found · ClinAI' }]

export function loader() {
  throw new Response('Not found', { status: 404 })
}

export function ErrorBoundary() {
  return (
    <div className="mx-auto w-full max-w-2xl px-4 py-10 sm:px-8">
      <h1 className="text-2xl font-semibold tracking-tight">Not found</h1>
      <p className="mt-2 text-slate-700 dark:text-slate-300">
        This page does not exist, or it is not yours to see. Pick a conversation in the sidebar, or start a
        new one.
      </p>
      <p className="mt-4">
        <Link to="/app" className="rounded font-medium text-blue-700 underline dark:text-blue-300">
          Back to the start page
        </Link>
      </p>
    </div>
  )
}

export default function NotFound() {
  return null
}
