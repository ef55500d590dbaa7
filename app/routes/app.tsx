// The workspace: a sidebar (folders, conversations, search, account) around the
// main pane, where a conversation (/app/c/:id), search results or the start page
// render. The sidebar's actions post here; every one goes through the same tRPC
// procedure a script would call, and a refusal comes back to show beside the form.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json, redirect } from '@remix-run/node'
import { Link, Outlet, useLoaderData, useLocation, useNavigation } from '@remix-run/react'
import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { BudgetBanner } from '#app/components/settings/budget-banner.tsx'
import { Sidebar } from '#app/components/workspace/sidebar.tsx'
import { MAIN_ID, SkipLink } from '#app/components/workspace/skip-link.tsx'
import { CloseIcon, MenuIcon } from '#app/components/ui/icons.tsx'
import { Logo } from '#app/components/ui/logo.tsx'
import { button, cx } from '#app/components/ui/styles.ts'
import type { ActionResult } from '#app/utils/refusal.ts'
import { safeReturnPath } from '#app/utils/return-path.server.ts'
import { PAGE_SIZE, readSidebarState } from '#app/utils/sidebar-state.ts'
import { readForm } from '#app/utils/read-form.ts'
import { getCaller } from '#app/utils/trpc.server.ts'
import { actionDone, actionRefused, unknownIntent } from '#app/utils/action.server.ts'
import { formText } from '#app/utils/settings-form.ts'

export const meta: MetaFunction = () => [{ title: 'ClinAI' }]

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { caller } = await getCaller(request, context)
  const requested = readSidebarState(new URL(request.url).searchParams)
  const [me, usage, folders, notes] = await Promise.all([
    caller.me.get(),
    caller.me.usage(),
    caller.folders.list(),
    caller.notes.list({ limit: 20 }),
  ])
  // A folder that is gone (deleted in another tab) shows every conversation instead of an error.
  const folder =
    requested.folder === 'none' || folders.some((each) => each.id === requested.folder)
      ? requested.folder
      : null
  const folderId = folder === 'none' ? null : (folder ?? undefined)
  const conversations = []
  let cursor: string | null = null
  for (let page = 0; page < requested.pages; page++) {
    const result = await caller.conversations.list({ folderId, limit: PAGE_SIZE, cursor })
    conversations.push(...result.items)
    cursor = result.nextCursor
    if (!cursor) break
  }
  return json(
    {
      me,
      usage,
      folders,
      conversations,
      notes: notes.items,
      hasMore: cursor !== null,
      view: { folder, pages: requested.pages },
    },
    { headers: { 'cache-control': 'no-store' } },
  )
}

export type WorkspaceActionResult = ActionResult<{ folderId?: string }>

export async function action({ request, context }: ActionFunctionArgs) {
  const { caller } = await getCaller(request, context)
  const form = await readForm(request)
  const intent = formText(form, 'intent')
  const text = (name: string) => formText(form, name)
  // An empty folder field means "no folder"; anything else is checked by the procedure.
  const folderIdOrNull = () => text('folderId') || null
  const redirectTo = safeReturnPath(form.get('redirectTo'), { within: '/app' })
  const done = (extra: { folderId?: string } = {}) =>
    redirectTo ? redirect(redirectTo) : actionDone(intent, extra)
  try {
    switch (intent) {
      case 'conversation.create': {
        const created = await caller.conversations.create({ folderId: folderIdOrNull() })
        // The sidebar's view (?folder=…) comes along; nothing else does.
        const search = text('search')
        return redirect(`/app/c/${created.id}${/^\?[\w=&%-]*$/.test(search) ? search : ''}`)
      }
      case 'conversation.rename':
        await caller.conversations.rename({ conversationId: text('conversationId'), title: text('title') })
        return done()
      case 'conversation.move':
        await caller.conversations.move({
          conversationId: text('conversationId'),
          folderId: folderIdOrNull(),
        })
        return done()
      case 'conversation.delete':
        await caller.conversations.delete({ conversationId: text('conversationId') })
        return done()
      case 'folder.create': {
        const folder = await caller.folders.create({ name: text('name') })
        return done({ folderId: folder.id })
      }
      case 'folder.rename':
        await caller.folders.rename({ folderId: text('folderId'), name: text('name') })
        return done()
      case 'folder.delete':
        await caller.folders.delete({ folderId: text('folderId') })
        return done()
      default:
        return unknownIntent(intent)
    }
  } catch (error) {
    return actionRefused(intent, error, request)
  }
}

export default function Workspace() {
  const { t } = useTranslation()
  const data = useLoaderData<typeof loader>()
  const navigation = useNavigation()
  const location = useLocation()
  const [sidebarOpen, setSidebarOpen] = useState(false)
  const menuButton = useRef<HTMLButtonElement>(null)
  const closeButton = useRef<HTMLButtonElement>(null)

  // On a phone the sidebar is an overlay: it closes when a link in it is followed,
  // and focus goes back to the menu button when it is closed by hand.
  const refocusMenuButton = useRef(false)
  const closeSidebar = () => {
    refocusMenuButton.current = true
    setSidebarOpen(false)
  }
  useEffect(() => setSidebarOpen(false), [location.pathname, location.search])
  useEffect(() => {
    if (!sidebarOpen) {
      if (refocusMenuButton.current) menuButton.current?.focus()
      refocusMenuButton.current = false
      return
    }
    closeButton.current?.focus()
    const onKey = (event: KeyboardEvent) => {
      // An open menu or dialog takes Escape for itself.
      const layerOpen = document.querySelector('[role="menu"], [role="dialog"], [role="alertdialog"]')
      if (event.key === 'Escape' && !layerOpen) closeSidebar()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [sidebarOpen])

  const busy = navigation.state !== 'idle'
  return (
    <div className="flex h-dvh flex-col sm:flex-row">
      <SkipLink />
      <header
        className={cx(
          'flex h-14 shrink-0 items-center gap-2 border-b border-slate-200 px-3 dark:border-slate-800 sm:hidden',
          sidebarOpen && 'hidden',
        )}
      >
        <button
          ref={menuButton}
          type="button"
          className={button.icon}
          aria-label={t('workspace.openMenu')}
          aria-expanded={sidebarOpen}
          aria-controls="workspace-sidebar"
          onClick={() => setSidebarOpen(true)}
        >
          <MenuIcon className="h-5 w-5" />
        </button>
        <span className="font-semibold">ClinAI</span>
      </header>
      <aside
        id="workspace-sidebar"
        aria-label={t('workspace.sidebar')}
        className={cx(
          'min-h-0 flex-col border-slate-200 bg-slate-50 dark:border-slate-800 dark:bg-slate-900 sm:flex sm:w-72 sm:shrink-0 sm:border-r lg:w-80',
          sidebarOpen ? 'flex flex-1' : 'hidden',
        )}
      >
        <div className="flex h-14 shrink-0 items-center justify-between gap-2 px-4">
          <Link to="/app" className="rounded-lg">
            <Logo wordmark small />
          </Link>
          <button
            ref={closeButton}
            type="button"
            className={cx(button.icon, 'sm:hidden')}
            aria-label={t('workspace.closeMenu')}
            onClick={closeSidebar}
          >
            <CloseIcon className="h-5 w-5" />
          </button>
        </div>
        <Sidebar data={data} />
      </aside>
      <main
        id={MAIN_ID}
        tabIndex={-1}
        className={cx(
          'relative min-h-0 min-w-0 flex-1 flex-col overflow-y-auto outline-none sm:flex',
          sidebarOpen ? 'hidden' : 'flex',
        )}
        aria-busy={busy}
      >
        <div
          aria-hidden="true"
          className={cx(
            'pointer-events-none absolute inset-x-0 top-0 z-10 h-0.5 bg-blue-700 transition-opacity dark:bg-blue-400',
            busy ? 'opacity-100 motion-safe:animate-pulse' : 'opacity-0',
          )}
        />
        <BudgetBanner me={data.me} usage={data.usage} />
        <Outlet />
      </main>
    </div>
  )
}
