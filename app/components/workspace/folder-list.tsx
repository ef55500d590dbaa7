// The sidebar's folders: pick one to narrow the list, create, rename, delete,
// and drop a dragged conversation onto one to move it there.
import * as DropdownMenu from '@radix-ui/react-dropdown-menu'
import { Link, useActionData, useFetcher, useLocation, useSubmit } from '@remix-run/react'
import { useCallback, useEffect, useRef, useState, type DragEvent, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { ConfirmCancelButton, ConfirmDialog, FormDialog } from '#app/components/ui/dialogs.tsx'
import { DotsIcon, FolderIcon, InboxIcon, ListIcon, PlusIcon } from '#app/components/ui/icons.tsx'
import { button, cx, menu } from '#app/components/ui/styles.ts'
import type { WorkspaceActionResult } from '#app/routes/app.tsx'
import { fieldErrorText, refusalText } from '#app/utils/refusal.ts'
import { moveConversation } from './conversation-list.tsx'
import { DialogForm, TextField } from './dialog-form.tsx'
import { CONVERSATION_DRAG_TYPE, type FolderItem, type WorkspaceData } from './workspace-data.ts'

export function FolderList({ folders, view }: { folders: FolderItem[]; view: WorkspaceData['view'] }) {
  const { t } = useTranslation()
  const location = useLocation()
  // Picking a folder keeps the main pane (an open conversation, search results) as it is.
  const hrefFor = (folder: string | null) => {
    const params = new URLSearchParams(location.search)
    params.delete('pages')
    if (folder) params.set('folder', folder)
    else params.delete('folder')
    const search = params.toString()
    return `${location.pathname}${search ? `?${search}` : ''}`
  }
  return (
    <section aria-labelledby="folders-heading">
      <h2
        id="folders-heading"
        className="px-2 text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-300"
      >
        {t('folders.heading')}
      </h2>
      <ul className="mt-1 space-y-0.5">
        <FolderRow
          to={hrefFor(null)}
          active={view.folder === null}
          icon={<ListIcon />}
          label={t('folders.all')}
        />
        <FolderRow
          to={hrefFor('none')}
          active={view.folder === 'none'}
          icon={<InboxIcon />}
          label={t('folders.none')}
          dropFolderId={null}
        />
        {folders.map((folder) => (
          <FolderRow
            key={folder.id}
            to={hrefFor(folder.id)}
            active={view.folder === folder.id}
            icon={<FolderIcon />}
            label={folder.name}
            count={folder.conversationCount}
            dropFolderId={folder.id}
            actions={
              <FolderActions folder={folder} leaveTo={view.folder === folder.id ? hrefFor(null) : null} />
            }
          />
        ))}
      </ul>
      {folders.length === 0 ? (
        <p className="mt-2 px-2 text-sm text-slate-600 dark:text-slate-300">{t('folders.empty')}</p>
      ) : null}
      <NewFolder />
    </section>
  )
}

function FolderRow({
  to,
  active,
  icon,
  label,
  count,
  dropFolderId,
  actions,
}: {
  to: string
  active: boolean
  icon: ReactNode
  label: string
  count?: number
  /** Where a dropped conversation goes: a folder id, null for "no folder", undefined: not a drop target. */
  dropFolderId?: string | null
  actions?: ReactNode
}) {
  const { t } = useTranslation()
  const submit = useSubmit()
  const [over, setOver] = useState(false)
  const droppable = dropFolderId !== undefined
  const accepts = (event: DragEvent) => droppable && event.dataTransfer.types.includes(CONVERSATION_DRAG_TYPE)
  return (
    <li
      data-drop-target={droppable ? label : undefined}
      className={cx(
        'flex items-center gap-1 rounded-md',
        over && 'bg-blue-50 ring-2 ring-inset ring-blue-700 dark:bg-blue-950 dark:ring-blue-400',
      )}
      onDragOver={(event) => {
        if (!accepts(event)) return
        event.preventDefault()
        event.dataTransfer.dropEffect = 'move'
        setOver(true)
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(event) => {
        if (!accepts(event)) return
        event.preventDefault()
        setOver(false)
        const conversationId = event.dataTransfer.getData(CONVERSATION_DRAG_TYPE)
        if (conversationId) moveConversation(submit, conversationId, dropFolderId ?? null)
      }}
    >
      <Link
        to={to}
        preventScrollReset
        aria-current={active ? 'true' : undefined}
        className={cx(
          'flex min-w-0 flex-1 items-center gap-2 rounded-md px-2 py-1.5 text-sm',
          active
            ? 'bg-slate-200 font-medium text-slate-950 dark:bg-slate-800 dark:text-white'
            : 'text-slate-800 hover:bg-slate-200/70 dark:text-slate-200 dark:hover:bg-slate-800/70',
        )}
      >
        <span className="shrink-0 text-slate-600 dark:text-slate-300">{icon}</span>
        <span className="truncate">{label}</span>
        {count !== undefined ? (
          <span className="ml-auto shrink-0 text-xs tabular-nums text-slate-600 dark:text-slate-300">
            <span aria-hidden="true">{count}</span>
            <span className="sr-only">{t('folders.conversationCount', { count })}</span>
          </span>
        ) : null}
      </Link>
      {actions ?? (droppable ? <span className="h-8 w-8 shrink-0" aria-hidden="true" /> : null)}
    </li>
  )
}

function FolderActions({ folder, leaveTo }: { folder: FolderItem; leaveTo: string | null }) {
  const { t } = useTranslation()
  const [dialog, setDialog] = useState<'rename' | 'delete' | null>(null)
  const trigger = useRef<HTMLButtonElement>(null)
  const close = useCallback(() => setDialog(null), [])
  const onOpenChange = (open: boolean) => !open && setDialog(null)
  const count = folder.conversationCount
  return (
    <>
      <DropdownMenu.Root modal={false}>
        <DropdownMenu.Trigger
          ref={trigger}
          className={button.icon}
          aria-label={t('folders.actions', { name: folder.name })}
        >
          <DotsIcon />
        </DropdownMenu.Trigger>
        <DropdownMenu.Portal>
          <DropdownMenu.Content align="end" sideOffset={4} className={menu.content}>
            <DropdownMenu.Item className={menu.item} onSelect={() => setDialog('rename')}>
              {t('folders.rename')}
            </DropdownMenu.Item>
            <DropdownMenu.Separator className={menu.separator} />
            <DropdownMenu.Item className={cx(menu.item, menu.danger)} onSelect={() => setDialog('delete')}>
              {t('folders.delete')}
            </DropdownMenu.Item>
          </DropdownMenu.Content>
        </DropdownMenu.Portal>
      </DropdownMenu.Root>
      <FormDialog
        open={dialog === 'rename'}
        onOpenChange={onOpenChange}
        title={t('folders.renameTitle')}
        returnFocusTo={() => trigger.current}
      >
        <DialogForm
          fields={{ intent: 'folder.rename', folderId: folder.id }}
          submitLabel={t('dialog.save')}
          busyLabel={t('dialog.saving')}
          onDone={close}
        >
          {(errors) => (
            <TextField
              label={t('folders.nameLabel')}
              name="name"
              defaultValue={folder.name}
              maxLength={120}
              error={errors.name}
              autoFocus
            />
          )}
        </DialogForm>
      </FormDialog>
      <ConfirmDialog
        open={dialog === 'delete'}
        onOpenChange={onOpenChange}
        title={t('folders.deleteTitle', { name: folder.name })}
        description={count === 0 ? t('folders.deleteEmpty') : t('folders.deleteMoves', { count })}
        returnFocusTo={() => trigger.current}
      >
        <DialogForm
          fields={{
            intent: 'folder.delete',
            folderId: folder.id,
            ...(leaveTo ? { redirectTo: leaveTo } : {}),
          }}
          submitLabel={t('folders.deleteSubmit')}
          busyLabel={t('dialog.deleting')}
          danger
          onDone={close}
          cancel={<ConfirmCancelButton />}
        />
      </ConfirmDialog>
    </>
  )
}

/** A disclosure with the "new folder" form: a plain form, so it works before JavaScript loads too. */
function NewFolder() {
  const { t } = useTranslation()
  const fetcher = useFetcher<WorkspaceActionResult>()
  const details = useRef<HTMLDetailsElement>(null)
  const form = useRef<HTMLFormElement>(null)
  // Before JavaScript has loaded the form posts as a page, and the answer comes back as the page's action data.
  const pageResult = useActionData<WorkspaceActionResult>()
  const busy = fetcher.state !== 'idle'
  const result = fetcher.data ?? (pageResult?.intent === 'folder.create' ? pageResult : undefined)
  useEffect(() => {
    if (fetcher.state !== 'idle' || !result?.ok) return
    form.current?.reset()
    if (details.current) details.current.open = false
    details.current?.querySelector('summary')?.focus()
  }, [fetcher.state, result])
  const refusal = result && !result.ok ? result : null
  return (
    <>
      <p className="sr-only" aria-live="polite">
        {fetcher.state === 'idle' && result?.ok ? t('folders.created') : ''}
      </p>
      <details ref={details} className="mt-2" open={refusal ? true : undefined}>
        <summary
          className={cx(
            'flex cursor-pointer list-none items-center gap-2 rounded-md px-2 py-1.5 text-sm text-slate-700 hover:bg-slate-200/70 dark:text-slate-200 dark:hover:bg-slate-800/70 [&::-webkit-details-marker]:hidden',
          )}
        >
          <PlusIcon />
          {t('folders.new')}
        </summary>
        <fetcher.Form ref={form} method="post" action="/app" className="mt-2 space-y-2 px-2">
          <input type="hidden" name="intent" value="folder.create" />
          <TextField
            label={t('folders.nameLabel')}
            name="name"
            maxLength={120}
            error={refusal ? (fieldErrorText(t, refusal, 'name') ?? refusalText(t, refusal)) : undefined}
            placeholder={t('folders.namePlaceholder')}
          />
          <button type="submit" className={cx(button.secondary, 'w-full')} disabled={busy}>
            {busy ? t('workspace.creating') : t('folders.create')}
          </button>
        </fetcher.Form>
      </details>
    </>
  )
}
