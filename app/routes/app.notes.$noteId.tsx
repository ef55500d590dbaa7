// One consultation note in the workspace's main pane.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { NoteView } from '#app/components/notes/note-view.tsx'
import { field } from '#app/components/ui/styles.ts'
import { PaneError } from '#app/components/ui/pane-error.tsx'
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
  return (
    <PaneError
      name="note"
      notFound={{ title: t('errors.notFoundTitle'), text: t('errors.notFoundText') }}
      failed={{ title: t('errors.failedTitle'), text: t('errors.failedText') }}
      back={{ to: '/app/notes/new', label: t('notes.new') }}
    />
  )
}
