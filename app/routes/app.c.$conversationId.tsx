// One conversation in the workspace's main pane: its messages and the chat.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { MESSAGE_PAGE_SIZE } from '#app/components/chat/api.ts'
import { ChatPane } from '#app/components/chat/chat-pane.tsx'
import { PaneError } from '#app/components/ui/pane-error.tsx'
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
  return (
    <PaneError
      name="conversation"
      notFound={{ title: t('errors.conversationNotFound'), text: t('errors.conversationNotFoundText') }}
      failed={{ title: t('errors.conversationFailed'), text: t('errors.conversationFailedText') }}
      back={{ to: '/app', label: t('errors.backToConversations') }}
    />
  )
}
