// The clinic's people and its pending invitations, each with its own small forms:
// change role, disable or enable (confirmed in a dialog once JavaScript runs), withdraw.
import { Form, useNavigation, useSubmit } from '@remix-run/react'
import { useId, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ConfirmCancelButton, ConfirmDialog } from '#app/components/ui/dialogs.tsx'
import { button, cx, field, muted } from '#app/components/ui/styles.ts'
import { useFormat } from '#app/i18n/format.ts'
import type { InvitationSummary, PersonSummary } from '#server/services/users/admin-users.ts'

type Person = PersonSummary

const badge = {
  active: 'bg-green-100 text-green-900 dark:bg-green-900 dark:text-green-100',
  disabled: 'bg-slate-200 text-slate-800 dark:bg-slate-700 dark:text-slate-100',
  erased: 'bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-100',
} as const

export function PeopleList({ people, myId }: { people: Person[]; myId: string }) {
  return (
    <ul className="divide-y divide-slate-200 rounded-xl border border-slate-200 dark:divide-slate-800 dark:border-slate-800">
      {people.map((person) => (
        <PersonRow key={person.id} person={person} isMe={person.id === myId} />
      ))}
    </ul>
  )
}

function PersonRow({ person, isMe }: { person: Person; isMe: boolean }) {
  const { t } = useTranslation()
  const format = useFormat()
  const navigation = useNavigation()
  const busy = navigation.state !== 'idle' && navigation.formData?.get('userId') === person.id
  const roleId = useId()
  return (
    <li
      className="flex flex-col gap-3 p-4 lg:flex-row lg:items-center lg:justify-between"
      data-person={person.email}
      data-person-id={person.id}
    >
      <div className="min-w-0">
        <p className="font-medium">
          {person.name} {isMe ? <span className={cx('font-normal', muted)}>{t('people.you')}</span> : null}
        </p>
        <p className={cx('truncate text-sm', muted)}>{person.email}</p>
        <dl className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-sm">
          <div className="flex gap-1">
            <dt className="sr-only">{t('people.columns.status')}</dt>
            <dd>
              {person.erased ? (
                <span className={cx('rounded-full px-2 py-0.5 text-xs font-medium', badge.erased)}>
                  {t('people.erased')}
                </span>
              ) : (
                <span className={cx('rounded-full px-2 py-0.5 text-xs font-medium', badge[person.status])}>
                  {t(`people.statuses.${person.status}`)}
                </span>
              )}
            </dd>
          </div>
          <div className="flex gap-1">
            <dt className={muted}>{t('people.columns.lastSignIn')}:</dt>
            <dd>{person.lastSignInAt ? format.relative(person.lastSignInAt) : t('people.never')}</dd>
          </div>
          <div className="flex gap-1">
            <dt className={muted}>{t('people.columns.tokens')}:</dt>
            <dd data-testid="person-tokens">{format.number(person.tokensThisMonth)}</dd>
          </div>
        </dl>
      </div>
      {/* An erased person keeps only a place in the audit trail: nothing left to change. */}
      {person.erased ? null : (
        <div className="flex flex-wrap items-end gap-2">
          <Form method="post" className="flex items-end gap-2">
            <input type="hidden" name="intent" value="setRole" />
            <input type="hidden" name="userId" value={person.id} />
            <div>
              <label htmlFor={roleId} className="sr-only">
                {t('people.roleOf', { name: person.name })}
              </label>
              <select
                id={roleId}
                name="role"
                defaultValue={person.role}
                className={cx(field.input, 'w-auto pr-8')}
              >
                <option value="therapist">{t('account.roles.therapist')}</option>
                <option value="admin">{t('account.roles.admin')}</option>
              </select>
            </div>
            <button type="submit" className={button.secondary} disabled={busy}>
              {t('people.changeRole')}
            </button>
          </Form>
          <StatusForm person={person} busy={busy} />
        </div>
      )}
    </li>
  )
}

/** Disabling asks first (once JavaScript runs); enabling does not. */
function StatusForm({ person, busy }: { person: Person; busy: boolean }) {
  const { t } = useTranslation()
  const submit = useSubmit()
  const form = useRef<HTMLFormElement>(null)
  const trigger = useRef<HTMLButtonElement>(null)
  const [confirming, setConfirming] = useState(false)
  const disabling = person.status === 'active'
  return (
    <Form
      ref={form}
      method="post"
      onSubmit={(event) => {
        if (!disabling || confirming) return
        event.preventDefault()
        setConfirming(true)
      }}
    >
      <input type="hidden" name="intent" value="setStatus" />
      <input type="hidden" name="userId" value={person.id} />
      <input type="hidden" name="status" value={disabling ? 'disabled' : 'active'} />
      <button
        ref={trigger}
        type="submit"
        className={disabling ? button.secondary : button.primary}
        disabled={busy}
        aria-label={t(disabling ? 'people.disableLabel' : 'people.enableLabel', { name: person.name })}
      >
        {t(disabling ? 'people.disable' : 'people.enable')}
      </button>
      <ConfirmDialog
        open={confirming}
        onOpenChange={setConfirming}
        title={t('people.disableTitle', { name: person.name })}
        description={t('people.disableText')}
        returnFocusTo={() => trigger.current}
      >
        <div className="flex justify-end gap-2">
          <ConfirmCancelButton />
          <button
            type="button"
            className={button.danger}
            onClick={() => {
              if (form.current) submit(form.current)
              setConfirming(false)
            }}
          >
            {t('people.disable')}
          </button>
        </div>
      </ConfirmDialog>
    </Form>
  )
}

export function PendingInvitations({ invitations }: { invitations: InvitationSummary[] }) {
  const { t } = useTranslation()
  const format = useFormat()
  return (
    <section aria-labelledby="pending-heading" className="space-y-3">
      <h2 id="pending-heading" className="text-lg font-semibold">
        {t('people.pendingHeading')}
      </h2>
      {invitations.length === 0 ? (
        <p className={cx('text-sm', muted)}>{t('people.pendingEmpty')}</p>
      ) : (
        <ul className="divide-y divide-slate-200 rounded-xl border border-slate-200 dark:divide-slate-800 dark:border-slate-800">
          {invitations.map((person) => (
            <li
              key={person.id}
              data-invitation={person.email}
              className="flex flex-col gap-2 p-4 sm:flex-row sm:items-center sm:justify-between"
            >
              <div className="min-w-0">
                <p className="font-medium">{person.name}</p>
                <p className={cx('truncate text-sm', muted)}>
                  {person.email} · {t(`account.roles.${person.role}`)} ·{' '}
                  {t('people.invitedOn', { date: format.date(person.createdAt) })}
                </p>
              </div>
              <Form method="post">
                <input type="hidden" name="intent" value="withdraw" />
                <input type="hidden" name="userId" value={person.id} />
                <button
                  type="submit"
                  className={button.secondary}
                  aria-label={t('people.withdrawLabel', { name: person.name })}
                >
                  {t('people.withdraw')}
                </button>
              </Form>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
