// A form inside a dialog that posts to the workspace's action with a fetcher,
// shows the procedure's refusal inline, and reports success so the dialog closes.
import { useFetcher } from '@remix-run/react'
import { useEffect, useId, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { DialogClose } from '#app/components/ui/dialogs.tsx'
import { button, cx, field } from '#app/components/ui/styles.ts'
import { fieldErrorText, refusalText, type ActionResult } from '#app/utils/refusal.ts'

interface DialogFormProps {
  /** Hidden fields: the intent and the ids it acts on. */
  fields: Record<string, string>
  submitLabel: string
  busyLabel: string
  danger?: boolean
  onDone: () => void
  /** Renders the visible fields, given each field's problem as a sentence. */
  children?: (fieldErrors: Record<string, string>) => ReactNode
  /** The cancel control; AlertDialog and Dialog each bring their own. */
  cancel?: ReactNode
  /** The route whose action runs: the workspace's unless told. */
  action?: string
}

export function DialogForm({
  fields,
  submitLabel,
  busyLabel,
  danger,
  onDone,
  children,
  cancel,
  action = '/app',
}: DialogFormProps) {
  const { t } = useTranslation()
  const fetcher = useFetcher<ActionResult>()
  const busy = fetcher.state !== 'idle'
  const result = fetcher.data
  useEffect(() => {
    if (fetcher.state === 'idle' && result?.ok) onDone()
  }, [fetcher.state, result, onDone])
  const refusal = result && !result.ok ? result : null
  const fieldErrors = Object.fromEntries(
    Object.keys(refusal?.fieldErrors ?? {}).map((name) => [name, fieldErrorText(t, refusal, name)!]),
  )
  // Errors of visible fields show beside them; anything else (a hidden id) shows for the whole form.
  const shownInFields = Object.keys(fieldErrors).some((name) => !(name in fields))
  const formError = refusal && !shownInFields ? refusalText(t, refusal) : null
  return (
    <fetcher.Form method="post" action={action} className="space-y-4">
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {children?.(fieldErrors)}
      {formError ? (
        <p role="alert" className={field.error}>
          {formError}
        </p>
      ) : null}
      <div className="flex justify-end gap-2">
        {cancel ?? (
          <DialogClose asChild>
            <button type="button" className={button.secondary}>
              {t('dialog.cancel')}
            </button>
          </DialogClose>
        )}
        <button type="submit" className={danger ? button.danger : button.primary} disabled={busy}>
          {busy ? busyLabel : submitLabel}
        </button>
      </div>
    </fetcher.Form>
  )
}

/** A labelled text input that shows its refusal underneath and is announced with it. */
export function TextField({
  label,
  name,
  defaultValue,
  maxLength,
  error,
  autoFocus,
  placeholder,
  className,
}: {
  label: string
  name: string
  defaultValue?: string
  maxLength: number
  error?: string
  autoFocus?: boolean
  placeholder?: string
  className?: string
}) {
  const id = useId()
  return (
    <div className={cx('space-y-1.5', className)}>
      <label htmlFor={id} className={field.label}>
        {label}
      </label>
      <input
        id={id}
        name={name}
        type="text"
        defaultValue={defaultValue}
        maxLength={maxLength}
        required
        autoComplete="off"
        autoFocus={autoFocus}
        placeholder={placeholder}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        className={field.input}
      />
      {error ? (
        <p id={`${id}-error`} role="alert" className={field.error}>
          {error}
        </p>
      ) : null}
    </div>
  )
}
