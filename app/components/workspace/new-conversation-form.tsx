// "New conversation": creates one (in the open folder, if any) and opens it. A
// plain form, so it works before JavaScript has loaded.
import { Form, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { PlusIcon } from '#app/components/ui/icons.tsx'
import { button, cx } from '#app/components/ui/styles.ts'
import { sidebarSearch } from '#app/utils/sidebar-state.ts'
import type { WorkspaceData } from './workspace-data.ts'

export function NewConversationForm({
  view,
  className,
}: {
  view: WorkspaceData['view']
  className?: string
}) {
  const { t } = useTranslation()
  const navigation = useNavigation()
  const creating = navigation.state !== 'idle' && navigation.formData?.get('intent') === 'conversation.create'
  const folderId = view.folder && view.folder !== 'none' ? view.folder : ''
  return (
    <Form method="post" action="/app" className={className}>
      <input type="hidden" name="intent" value="conversation.create" />
      <input type="hidden" name="folderId" value={folderId} />
      <input type="hidden" name="search" value={sidebarSearch({ folder: view.folder, pages: 1 })} />
      <button type="submit" className={cx(button.primary, 'w-full')} disabled={creating}>
        <PlusIcon />
        {creating ? t('workspace.creating') : t('workspace.newConversation')}
      </button>
    </Form>
  )
}
