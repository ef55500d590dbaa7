// The chat stream: POST a message, read the answer as server-sent events.
// Cookie session or `Authorization: Bearer <personal access token>`.
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { handleChat } from '#app/utils/chat.server.ts'

export function action({ request, context, params }: ActionFunctionArgs) {
  return handleChat(request, context, params.conversationId)
}

export function loader({ request, context, params }: LoaderFunctionArgs) {
  // GET gets a clear 405 from the same handler rather than Remix's generic one.
  return handleChat(request, context, params.conversationId)
}
