// One labelled control of a settings form, with its hint and its refusal, both
// announced with it. The control itself is the caller's (input, select, textarea).
import { useId, type ReactNode } from 'react'
import { cx, field } from '#app/components/ui/styles.ts'

interface ControlProps {
  id: string
  'aria-invalid': true | undefined
  'aria-describedby': string | undefined
}

export function SettingsField({
  label,
  hint,
  error,
  children,
}: {
  label: string
  hint?: string
  error?: string
  children: (props: ControlProps) => ReactNode
}) {
  const id = useId()
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ')
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className={field.label}>
        {label}
      </label>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': described || undefined })}
      {hint ? (
        <p id={`${id}-hint`} className={cx('text-xs', field.hint)}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className={field.error}>
          {error}
        </p>
      ) : null}
    </div>
  )
}
