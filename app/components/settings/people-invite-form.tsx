// Inviting a person: email, name and role. They join with that role when they
// first sign in with that email address.
import { Form, useNavigation } from '@remix-run/react'
import { useEffect, useId, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { button, cx, field, muted } from '#app/components/ui/styles.ts'
import type { ValidationCode } from '#server/contract/codes.ts'

export function InviteForm({
  clinic,
  fieldErrors,
  reset,
}: {
  clinic: string
  fieldErrors: Record<string, ValidationCode>
  /** The last invitation went through: empty the fields for the next one. */
  reset: boolean
}) {
  const { t } = useTranslation()
  const navigation = useNavigation()
  const form = useRef<HTMLFormElement>(null)
  const busy = navigation.state !== 'idle' && navigation.formData?.get('intent') === 'invite'
  useEffect(() => {
    if (reset && navigation.state === 'idle') form.current?.reset()
  }, [reset, navigation.state])
  return (
    <section aria-labelledby="invite-heading" className="space-y-3">
      <div>
        <h2 id="invite-heading" className="text-lg font-semibold">
          {t('people.inviteHeading')}
        </h2>
        <p className={cx('mt-1 text-sm', muted)}>{t('people.inviteIntro', { clinic })}</p>
      </div>
      <Form ref={form} method="post" className="grid gap-4 sm:grid-cols-[1fr_1fr_auto_auto] sm:items-start">
        <input type="hidden" name="intent" value="invite" />
        <Input
          name="email"
          type="email"
          label={t('people.emailLabel')}
          maxLength={320}
          error={fieldErrors.email}
        />
        <Input
          name="name"
          type="text"
          label={t('people.nameLabel')}
          maxLength={120}
          error={fieldErrors.name}
        />
        <RoleSelect label={t('people.roleLabel')} />
        <button type="submit" className={cx(button.primary, 'sm:mt-6')} disabled={busy}>
          {busy ? t('people.inviting') : t('people.invite')}
        </button>
      </Form>
    </section>
  )
}

function Input({
  name,
  type,
  label,
  maxLength,
  error,
}: {
  name: string
  type: 'email' | 'text'
  label: string
  maxLength: number
  error?: ValidationCode
}) {
  const { t } = useTranslation()
  const id = useId()
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className={field.label}>
        {label}
      </label>
      <input
        id={id}
        name={name}
        type={type}
        required
        maxLength={maxLength}
        autoComplete="off"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        className={field.input}
      />
      {error ? (
        <p id={`${id}-error`} className={field.error}>
          {t(`validation.${error}`)}
        </p>
      ) : null}
    </div>
  )
}

function RoleSelect({ label }: { label: string }) {
  const { t } = useTranslation()
  const id = useId()
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className={field.label}>
        {label}
      </label>
      <select id={id} name="role" defaultValue="therapist" className={cx(field.input, 'pr-8')}>
        <option value="therapist">{t('account.roles.therapist')}</option>
        <option value="admin">{t('account.roles.admin')}</option>
      </select>
    </div>
  )
}
