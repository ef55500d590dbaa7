// One conversation in the workspace's main pane: its messages and the chat.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { isRouteErrorResponse, Link, useLoaderData, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { MESSAGE_PAGE_SIZE } from '#app/components/chat/api.ts'
import { ChatPane } from '#app/components/chat/chat-pane.tsx'
import { metaT } from '#app/i18n/meta.ts'
import { loadConversation } from '#app/utils/conversation.server.ts'

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  return loadConversation(request, context, {
    conversationId: params.conversationId ?? '',
    messageLimit: MESSAGE_PAGE_SIZE,
  })
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const t = metaT(matches)
  return [
    {
      title: data
        ? t('meta.conversation', { title: data.conversation.title })
        : t('meta.conversationNotFound'),
    },
  ]
}

export default function ConversationRoute() {
  const { conversation, maxInputChars } = useLoaderData<typeof loader>()
  // A fresh pane per conversation: no live answer or draft carries over to another one.
  return <ChatPane key={conversation.id} conversation={conversation} maxInputChars={maxInputChars} />
}

export function ErrorBoundary() {
  const { t } = useTranslation()
  const error = useRouteError()
  const notFound = isRouteErrorResponse(error) && error.status === 404
  return (
    <section
      aria-labelledby="conversation-error"
      data-testid="conversation-error"
      className="mx-auto max-w-xl px-4 py-16 text-center text-slate-900 dark:text-slate-100"
    >
      <h1 id="conversation-error" className="text-2xl font-semibold tracking-tight">
        {notFound ? t('errors.conversationNotFound') : t('errors.conversationFailed')}
      </h1>
      <p className="mt-2 text-slate-700 dark:text-slate-300">
        {notFound ? t('errors.conversationNotFoundText') : t('errors.conversationFailedText')}
      </p>
      <p className="mt-6">
        <Link
          to="/app"
          className="rounded-lg bg-blue-700 px-4 py-2 font-semibold text-white hover:bg-blue-800 dark:bg-blue-300 dark:text-slate-950"
        >
          {t('errors.backToConversations')}
        </Link>
      </p>
    </section>
  )
}
