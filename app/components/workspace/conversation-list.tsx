// The sidebar's conversations, newest activity first, a page at a time, each with
// when it was last active. Each has a menu (rename, move to a folder, delete) and can be dragged onto a folder.
import * as DropdownMenu from '@radix-ui/react-dropdown-menu'
import {
  Link,
  NavLink,
  useFetcher,
  useLocation,
  useNavigation,
  useSubmit,
  type SubmitFunction,
} from '@remix-run/react'
import { useCallback, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ConfirmCancelButton, ConfirmDialog, FormDialog } from '#app/components/ui/dialogs.tsx'
import { ChevronRightIcon, DotsIcon } from '#app/components/ui/icons.tsx'
import { button, cx, field, menu } from '#app/components/ui/styles.ts'
import type { WorkspaceActionResult } from '#app/routes/app.tsx'
import { useFormat } from '#app/i18n/format.ts'
import { refusalText } from '#app/utils/refusal.ts'
import { sidebarSearch } from '#app/utils/sidebar-state.ts'
import { DialogForm, TextField } from './dialog-form.tsx'
import {
  CONVERSATION_DRAG_TYPE,
  type ConversationItem,
  type FolderItem,
  type WorkspaceData,
} from './workspace-data.ts'

/** Moves a conversation without leaving the page; its row shows the progress and any refusal. */
export function moveConversation(submit: SubmitFunction, conversationId: string, folderId: string | null) {
  submit(
    { intent: 'conversation.move', conversationId, folderId: folderId ?? '' },
    { method: 'post', action: '/app', navigate: false, fetcherKey: `move:${conversationId}` },
  )
}

export function ConversationList({
  conversations,
  folders,
  view,
  hasMore,
}: {
  conversations: ConversationItem[]
  folders: FolderItem[]
  view: WorkspaceData['view']
  hasMore: boolean
}) {
  const { t } = useTranslation()
  const navigation = useNavigation()
  const location = useLocation()
  const current = folders.find((folder) => folder.id === view.folder)
  const heading =
    view.folder === null
      ? t('folders.all')
      : view.folder === 'none'
        ? t('folders.none')
        : (current?.name ?? '')
  const moreParams = new URLSearchParams(location.search)
  moreParams.set('pages', String(view.pages + 1))
  const loadingMore =
    navigation.state === 'loading' &&
    navigation.location.pathname === location.pathname &&
    new URLSearchParams(navigation.location.search).get('pages') === String(view.pages + 1)
  return (
    <section aria-labelledby="conversations-heading" className="mt-6">
      <h2
        id="conversations-heading"
        className="truncate px-2 text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-300"
      >
        {heading}
      </h2>
      {conversations.length === 0 ? (
        <p className="mt-2 px-2 text-sm text-slate-600 dark:text-slate-300">
          {view.folder === null
            ? t('conversations.emptyAll')
            : view.folder === 'none'
              ? t('conversations.emptyNone')
              : t('conversations.emptyFolder')}
        </p>
      ) : (
        <ul className="mt-1 space-y-0.5" aria-labelledby="conversations-heading">
          {conversations.map((conversation) => (
            <ConversationRow
              key={conversation.id}
              conversation={conversation}
              folders={folders}
              view={view}
              showFolder={view.folder === null}
            />
          ))}
        </ul>
      )}
      {hasMore ? (
        <Link
          to={`${location.pathname}?${moreParams.toString()}`}
          preventScrollReset
          replace
          className={cx(button.secondary, 'mt-2 w-full')}
          aria-disabled={loadingMore || undefined}
        >
          {loadingMore ? t('conversations.loading') : t('conversations.loadMore')}
        </Link>
      ) : null}
    </section>
  )
}

function ConversationRow({
  conversation,
  folders,
  view,
  showFolder,
}: {
  conversation: ConversationItem
  folders: FolderItem[]
  view: WorkspaceData['view']
  showFolder: boolean
}) {
  const { t } = useTranslation()
  const format = useFormat()
  const { id, title } = conversation
  const submit = useSubmit()
  const location = useLocation()
  const moving = useFetcher<WorkspaceActionResult>({ key: `move:${id}` })
  const [dialog, setDialog] = useState<'rename' | 'delete' | null>(null)
  const trigger = useRef<HTMLButtonElement>(null)
  const close = useCallback(() => setDialog(null), [])
  const onOpenChange = (open: boolean) => !open && setDialog(null)

  const href = `/app/c/${id}`
  const pendingFolder = moving.formData ? (moving.formData.get('folderId') as string) || null : undefined
  const folderId = pendingFolder === undefined ? conversation.folderId : pendingFolder
  // Moved out of the folder on view: gone from this list at once, back if the move is refused.
  const movedAway =
    (view.folder === 'none' && folderId !== null) ||
    (view.folder !== null && view.folder !== 'none' && folderId !== view.folder)
  if (movedAway) return null
  const folderName = folders.find((folder) => folder.id === folderId)?.name
  const moveRefusal = moving.state === 'idle' && moving.data && !moving.data.ok ? moving.data : null

  return (
    <li
      draggable
      onDragStart={(event) => {
        event.dataTransfer.setData(CONVERSATION_DRAG_TYPE, id)
        event.dataTransfer.effectAllowed = 'move'
      }}
      data-conversation-id={id}
    >
      <div className="flex items-center gap-1">
        <NavLink
          to={`${href}${sidebarSearch(view)}`}
          aria-describedby={`last-active-${id}`}
          className={({ isActive }) =>
            cx(
              'block min-w-0 flex-1 rounded-md px-2 py-1.5 text-sm',
              isActive
                ? 'bg-blue-100 font-medium text-blue-950 dark:bg-blue-950 dark:text-blue-50'
                : 'text-slate-800 hover:bg-slate-200/70 dark:text-slate-200 dark:hover:bg-slate-800/70',
            )
          }
        >
          <span className="block truncate">{title}</span>
          <span className="block truncate text-xs font-normal text-slate-600 dark:text-slate-300">
            {/* The link's description, not its name: a conversation is still found by its title alone. */}
            <time
              id={`last-active-${id}`}
              dateTime={conversation.lastMessageAt}
              title={format.dateTime(conversation.lastMessageAt)}
              aria-hidden="true"
              data-testid="last-active"
            >
              <span className="sr-only">{t('conversations.lastActive')} </span>
              {format.relative(conversation.lastMessageAt)}
            </time>
            {showFolder && folderName ? (
              <>
                <span aria-hidden="true"> · </span>
                <span className="sr-only">{t('conversations.inFolder')}</span>
                {folderName}
              </>
            ) : null}
          </span>
        </NavLink>
        <DropdownMenu.Root modal={false}>
          <DropdownMenu.Trigger
            ref={trigger}
            className={button.icon}
            aria-label={t('conversations.actions', { title })}
          >
            <DotsIcon />
          </DropdownMenu.Trigger>
          <DropdownMenu.Portal>
            <DropdownMenu.Content align="end" sideOffset={4} className={menu.content}>
              <DropdownMenu.Item className={menu.item} onSelect={() => setDialog('rename')}>
                {t('conversations.rename')}
              </DropdownMenu.Item>
              <DropdownMenu.Sub>
                <DropdownMenu.SubTrigger className={menu.item}>
                  {t('conversations.moveTo')}
                  <ChevronRightIcon className="ml-auto h-4 w-4" />
                </DropdownMenu.SubTrigger>
                <DropdownMenu.Portal>
                  <DropdownMenu.SubContent
                    sideOffset={4}
                    className={cx(menu.content, 'max-h-80 overflow-y-auto')}
                  >
                    <DropdownMenu.RadioGroup
                      value={folderId ?? ''}
                      onValueChange={(value) => moveConversation(submit, id, value || null)}
                    >
                      <MoveTarget value="" label={t('folders.none')} />
                      {folders.map((folder) => (
                        <MoveTarget key={folder.id} value={folder.id} label={folder.name} />
                      ))}
                    </DropdownMenu.RadioGroup>
                    {folders.length === 0 ? (
                      <DropdownMenu.Label className={menu.label}>
                        {t('conversations.noFolders')}
                      </DropdownMenu.Label>
                    ) : null}
                  </DropdownMenu.SubContent>
                </DropdownMenu.Portal>
              </DropdownMenu.Sub>
              <DropdownMenu.Separator className={menu.separator} />
              <DropdownMenu.Item className={cx(menu.item, menu.danger)} onSelect={() => setDialog('delete')}>
                {t('conversations.delete')}
              </DropdownMenu.Item>
            </DropdownMenu.Content>
          </DropdownMenu.Portal>
        </DropdownMenu.Root>
      </div>
      {moveRefusal ? (
        <p role="alert" className={cx(field.error, 'px-2 pb-1 text-xs')}>
          {t('conversations.notMoved', { reason: refusalText(t, moveRefusal) })}
        </p>
      ) : null}
      <FormDialog
        open={dialog === 'rename'}
        onOpenChange={onOpenChange}
        title={t('conversations.renameTitle')}
        returnFocusTo={() => trigger.current}
      >
        <DialogForm
          fields={{ intent: 'conversation.rename', conversationId: id }}
          submitLabel={t('dialog.save')}
          busyLabel={t('dialog.saving')}
          onDone={close}
        >
          {(errors) => (
            <TextField
              label={t('conversations.titleLabel')}
              name="title"
              defaultValue={title}
              maxLength={200}
              error={errors.title}
              autoFocus
            />
          )}
        </DialogForm>
      </FormDialog>
      <ConfirmDialog
        open={dialog === 'delete'}
        onOpenChange={onOpenChange}
        title={t('conversations.deleteTitle', { title })}
        description={t('conversations.deleteText')}
        returnFocusTo={() => trigger.current}
      >
        <DialogForm
          fields={{
            intent: 'conversation.delete',
            conversationId: id,
            // Deleting the open conversation leaves for the start page.
            ...(location.pathname === href ? { redirectTo: `/app${sidebarSearch(view)}` } : {}),
          }}
          submitLabel={t('conversations.deleteSubmit')}
          busyLabel={t('dialog.deleting')}
          danger
          onDone={close}
          cancel={<ConfirmCancelButton />}
        />
      </ConfirmDialog>
    </li>
  )
}

function MoveTarget({ value, label }: { value: string; label: string }) {
  return (
    <DropdownMenu.RadioItem value={value} className={cx(menu.item, 'pl-7 relative')}>
      <DropdownMenu.ItemIndicator className="absolute left-2 inline-flex">
        <span aria-hidden="true">✓</span>
      </DropdownMenu.ItemIndicator>
      <span className="truncate">{label}</span>
    </DropdownMenu.RadioItem>
  )
}
