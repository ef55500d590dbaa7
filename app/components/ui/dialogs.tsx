// Modal dialogs on Radix primitives: focus is trapped inside, Escape closes,
// focus returns where it came from. `ConfirmDialog` is for destructive steps.
import * as AlertDialog from '@radix-ui/react-alert-dialog'
import * as Dialog from '@radix-ui/react-dialog'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { button, cx } from './styles.ts'

const overlay = 'fixed inset-0 z-40 bg-slate-950/50'
const content =
  'fixed left-1/2 top-1/2 z-50 max-h-[calc(100dvh-2rem)] w-[calc(100vw-2rem)] -translate-x-1/2 -translate-y-1/2 overflow-y-auto rounded-xl border border-slate-200 bg-white p-6 text-slate-900 shadow-xl dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100'
const titleClass = 'text-lg font-semibold'
const descriptionClass = 'mt-1 text-sm text-slate-600 dark:text-slate-300'

/** What the opener of a dialog controls: whether it is open, and where focus goes back. */
export interface DialogControl {
  open: boolean
  onOpenChange: (open: boolean) => void
  /** Where focus goes when the dialog closes, when the element that opened it is gone (a menu item). */
  returnFocusTo?: () => HTMLElement | null | undefined
}

interface DialogProps extends DialogControl {
  title: ReactNode
  description?: ReactNode
  children: ReactNode
  wide?: boolean
}

function closeFocus(returnFocusTo: DialogProps['returnFocusTo']) {
  if (!returnFocusTo) return undefined
  return (event: Event) => {
    const target = returnFocusTo()
    if (target) {
      event.preventDefault()
      target.focus()
    }
  }
}

export function FormDialog({
  open,
  onOpenChange,
  title,
  description,
  children,
  returnFocusTo,
  wide,
}: DialogProps) {
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className={overlay} />
        <Dialog.Content
          className={cx(content, wide ? 'max-w-2xl' : 'max-w-md')}
          onCloseAutoFocus={closeFocus(returnFocusTo)}
          {...(description ? {} : { 'aria-describedby': undefined })}
        >
          <Dialog.Title className={titleClass}>{title}</Dialog.Title>
          {description ? (
            <Dialog.Description className={descriptionClass}>{description}</Dialog.Description>
          ) : null}
          <div className="mt-4">{children}</div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  )
}

export function ConfirmDialog({
  open,
  onOpenChange,
  title,
  description,
  children,
  returnFocusTo,
}: DialogProps) {
  return (
    <AlertDialog.Root open={open} onOpenChange={onOpenChange}>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className={overlay} />
        <AlertDialog.Content className={cx(content, 'max-w-md')} onCloseAutoFocus={closeFocus(returnFocusTo)}>
          <AlertDialog.Title className={titleClass}>{title}</AlertDialog.Title>
          <AlertDialog.Description className={descriptionClass}>{description}</AlertDialog.Description>
          <div className="mt-4">{children}</div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  )
}

export const DialogClose = Dialog.Close
export const ConfirmCancel = AlertDialog.Cancel

/** The "Cancel" of a confirmation: closes it and returns focus to what opened it. */
export function ConfirmCancelButton() {
  const { t } = useTranslation()
  return (
    <ConfirmCancel asChild>
      <button type="button" className={button.secondary}>
        {t('dialog.cancel')}
      </button>
    </ConfirmCancel>
  )
}
