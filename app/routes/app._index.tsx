// The main pane when no conversation is open: how to start, and what else there is.
import type { MetaFunction } from '@remix-run/node'
import { NewConversationForm } from '#app/components/workspace/new-conversation-form.tsx'
import { useWorkspaceData } from '#app/components/workspace/workspace-data.ts'

export const meta: MetaFunction = () => [{ title: 'ClinAI' }]

export default function WorkspaceStart() {
  const { me, conversations, view } = useWorkspaceData()
  const firstName = me.user.name.split(/\s+/)[0] ?? me.user.name
  return (
    <div className="mx-auto flex w-full max-w-2xl flex-1 flex-col justify-center px-4 py-10 sm:px-8">
      <h1 className="text-2xl font-semibold tracking-tight sm:text-3xl">Start a new conversation</h1>
      <p className="mt-2 text-slate-700 dark:text-slate-300">
        Hello {firstName}. Ask the assistant about your work: prepare a session, think through a case, or
        draft a consultation note. Your conversations are yours alone; nobody else in {me.clinic.name} can
        read them.
      </p>
      <NewConversationForm view={view} className="mt-6 w-full sm:w-64" />
      <h2 className="mt-10 text-sm font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-300">
        What you can do next
      </h2>
      <ul className="mt-3 list-disc space-y-2 pl-5 text-slate-700 dark:text-slate-300">
        <li>
          {conversations.length > 0
            ? 'Pick up where you left off: open a conversation from the list in the sidebar.'
            : 'Your conversations will be listed in the sidebar, newest first.'}
        </li>
        <li>Keep things tidy with folders: create one in the sidebar, then drag conversations onto it.</li>
        <li>Find anything again with the search box: it looks at titles and at what was said.</li>
        <li>Scripts can use the same API with a personal access token from your account menu.</li>
      </ul>
    </div>
  )
}
