// The first stop for the keyboard: straight to the message box on a conversation's page
// (instead of tabbing through the whole sidebar), else to the main pane. Hidden until focused.
import { useMatches } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { MESSAGE_BOX_ID } from '#app/components/chat/composer.tsx'

export const MAIN_ID = 'workspace-main'

export function SkipLink() {
  const { t } = useTranslation()
  const inConversation = useMatches().some((match) => match.id === 'routes/app.c.$conversationId')
  const target = inConversation ? MESSAGE_BOX_ID : MAIN_ID
  return (
    <a
      href={`#${target}`}
      data-testid="skip-link"
      onClick={(event) => {
        const element = document.getElementById(target)
        if (!element) return
        // Focus without putting a fragment in the address (a reload would keep it).
        event.preventDefault()
        element.focus()
        element.scrollIntoView({ block: 'nearest' })
      }}
      className="sr-only focus:not-sr-only focus:fixed focus:left-3 focus:top-3 focus:z-50 focus:rounded-lg focus:bg-blue-700 focus:px-4 focus:py-2 focus:font-semibold focus:text-white"
    >
      {inConversation ? t('workspace.skipToMessage') : t('workspace.skipToMain')}
    </a>
  )
}
