// One consultation note in the workspace's main pane.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { isRouteErrorResponse, Link, useActionData, useLoaderData, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { NoteView } from '#app/components/notes/note-view.tsx'
import { field } from '#app/components/ui/styles.ts'
import { metaT } from '#app/i18n/meta.ts'
import { loadNote, noteAction } from '#app/utils/notes.server.ts'
import { isRefusal, refusalText } from '#app/utils/refusal.ts'

export function loader({ request, context, params }: LoaderFunctionArgs) {
  return loadNote(request, context, params.noteId ?? '')
}

export function action({ request, context, params }: ActionFunctionArgs) {
  return noteAction(request, context, params.noteId ?? '')
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const t = metaT(matches)
  return [{ title: data ? t('meta.note', { title: data.note.patientRef }) : t('meta.notFound') }]
}

export default function NoteRoute() {
  const { t } = useTranslation()
  const { note, history, autoDraft } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  return (
    <>
      {result && isRefusal(result) ? (
        <p role="alert" className={`${field.error} mx-auto mt-4 max-w-3xl px-4`}>
          {refusalText(t, result)}
        </p>
      ) : null}
      <NoteView key={note.id} note={note} history={history} autoDraft={autoDraft} />
    </>
  )
}

export function ErrorBoundary() {
  const { t } = useTranslation()
  const error = useRouteError()
  const notFound = isRouteErrorResponse(error) && error.status === 404
  return (
    <section
      aria-labelledby="note-error"
      data-testid="note-error"
      className="mx-auto max-w-xl px-4 py-16 text-center text-slate-900 dark:text-slate-100"
    >
      <h1 id="note-error" className="text-2xl font-semibold tracking-tight">
        {notFound ? t('errors.notFoundTitle') : t('errors.failedTitle')}
      </h1>
      <p className="mt-2 text-slate-700 dark:text-slate-300">
        {notFound ? t('errors.notFoundText') : t('errors.failedText')}
      </p>
      <p className="mt-6">
        <Link
          to="/app/notes/new"
          className="rounded-lg bg-blue-700 px-4 py-2 font-semibold text-white hover:bg-blue-800"
        >
          {t('notes.new')}
        </Link>
      </p>
    </section>
  )
}
