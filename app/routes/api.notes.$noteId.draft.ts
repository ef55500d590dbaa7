// The note draft stream: POST `{}` or `{ "sectionId" }`, read the sections as server-sent events.
// Cookie session or `Authorization: Bearer <personal access token>`.
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { handleDraft } from '#app/utils/notes.server.ts'

export function action({ request, context, params }: ActionFunctionArgs) {
  return handleDraft(request, context, params.noteId)
}

export function loader({ request, context, params }: LoaderFunctionArgs) {
  return handleDraft(request, context, params.noteId)
}
