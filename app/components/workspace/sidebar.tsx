// The workspace sidebar: new conversation, search, folders, the conversation
// list (scrolling on its own) and the account menu at the foot.
import { Form, useLocation, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { SearchIcon } from '#app/components/ui/icons.tsx'
import { cx, field } from '#app/components/ui/styles.ts'
import { AccountMenu } from './account-menu.tsx'
import { ConversationList } from './conversation-list.tsx'
import { FolderList } from './folder-list.tsx'
import { NewConversationForm } from './new-conversation-form.tsx'
import { NoteList } from './note-list.tsx'
import type { WorkspaceData } from './workspace-data.ts'

export function Sidebar({ data }: { data: WorkspaceData }) {
  const { t } = useTranslation()
  return (
    <>
      <div className="shrink-0 space-y-3 px-3 pb-3">
        <NewConversationForm view={data.view} />
        <SearchForm view={data.view} />
      </div>
      <nav aria-label={t('workspace.navigation')} className="min-h-0 flex-1 overflow-y-auto px-3 pb-4 pt-1">
        <FolderList folders={data.folders} view={data.view} />
        <ConversationList
          conversations={data.conversations}
          folders={data.folders}
          view={data.view}
          hasMore={data.hasMore}
        />
        <NoteList notes={data.notes} isAdmin={data.me.user.role === 'admin'} />
      </nav>
      <div className="shrink-0 border-t border-slate-200 p-2 dark:border-slate-800">
        <AccountMenu me={data.me} usage={data.usage} />
      </div>
    </>
  )
}

/** A plain GET form: results open at /app/search?q=…, so they can be bookmarked and reloaded. */
function SearchForm({ view }: { view: WorkspaceData['view'] }) {
  const { t } = useTranslation()
  const location = useLocation()
  const [params] = useSearchParams()
  const query = location.pathname === '/app/search' ? (params.get('q') ?? '') : ''
  return (
    <Form method="get" action="/app/search" role="search">
      <label htmlFor="workspace-search" className="sr-only">
        {t('workspace.searchLabel')}
      </label>
      <div className="relative">
        <SearchIcon className="pointer-events-none absolute left-3 top-1/2 h-4 w-4 -translate-y-1/2 text-slate-600 dark:text-slate-300" />
        <input
          key={query}
          id="workspace-search"
          type="search"
          name="q"
          defaultValue={query}
          maxLength={200}
          placeholder={t('workspace.searchLabel')}
          className={cx(field.input, 'pl-9')}
        />
      </div>
      {/* The sidebar stays as it was while the results show. */}
      {view.folder ? <input type="hidden" name="folder" value={view.folder} /> : null}
      {view.pages > 1 ? <input type="hidden" name="pages" value={view.pages} /> : null}
    </Form>
  )
}
