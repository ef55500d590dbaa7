// A note as a file: /app/notes/:noteId/export/pdf, …/docx or …/md.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { exportNote } from '#app/utils/notes.server.ts'

export function loader({ request, context, params }: LoaderFunctionArgs) {
  return exportNote(request, context, params.noteId ?? '', params.format ?? '')
}
