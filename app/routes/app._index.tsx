// The main pane when no conversation is open: how to start, and what else there is.
import type { MetaFunction } from '@remix-run/node'
import { useTranslation } from 'react-i18next'
import { NewConversationForm } from '#app/components/workspace/new-conversation-form.tsx'
import { useWorkspaceData } from '#app/components/workspace/workspace-data.ts'

export const meta: MetaFunction = () => [{ title: 'ClinAI' }]

export default function WorkspaceStart() {
  const { t } = useTranslation()
  const { me, conversations, view } = useWorkspaceData()
  const firstName = me.user.name.split(/\s+/)[0] ?? me.user.name
  return (
    <div className="mx-auto flex w-full max-w-2xl flex-1 flex-col justify-center px-4 py-10 sm:px-8">
      <h1 className="text-2xl font-semibold tracking-tight sm:text-3xl">{t('workspace.startTitle')}</h1>
      <p className="mt-2 text-slate-700 dark:text-slate-300">
        {t('workspace.startIntro', { firstName, clinic: me.clinic.name })}
      </p>
      <NewConversationForm view={view} className="mt-6 w-full sm:w-64" />
      <h2 className="mt-10 text-sm font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-300">
        {t('workspace.nextHeading')}
      </h2>
      <ul className="mt-3 list-disc space-y-2 pl-5 text-slate-700 dark:text-slate-300">
        <li>{conversations.length > 0 ? t('workspace.nextPickUp') : t('workspace.nextListed')}</li>
        <li>{t('workspace.nextFolders')}</li>
        <li>{t('workspace.nextSearch')}</li>
        <li>{t('workspace.nextTokens')}</li>
      </ul>
    </div>
  )
}
