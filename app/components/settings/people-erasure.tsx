// Erasing a person who left or asked (GDPR Art. 17): the admin picks the person and
// types their name or email to confirm; a job then deletes their content, sessions,
// tokens and files and keeps only their id (pseudonymised) for the audit trail. The
// admin never sees the content. Each erasure's receipt (counts per table and per
// file prefix) is listed and downloadable. A plain form: it works before JavaScript.
import { Form, useNavigation } from '@remix-run/react'
import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import { button, cx, field, muted } from '#app/components/ui/styles.ts'
import { useFormat } from '#app/i18n/format.ts'
import type { ErasureReceipt } from '#server/services/erasure/erasure.ts'
import type { UserSummary } from '#server/services/users/admin-users.ts'

export function ErasureSection({
  people,
  myId,
  receipts,
  confirmError,
}: {
  people: UserSummary[]
  myId: string
  receipts: ErasureReceipt[]
  /** The last erasure was refused for its confirmation. */
  confirmError: string | null
}) {
  const { t } = useTranslation()
  const format = useFormat()
  const navigation = useNavigation()
  const busy = navigation.state !== 'idle' && navigation.formData?.get('intent') === 'erase'
  const personId = useId()
  const confirmId = useId()
  const erased = new Set(receipts.map((receipt) => receipt.subjectUserId))
  const nameOf = (userId: string) => people.find((person) => person.id === userId)?.name ?? userId
  const candidates = people.filter((person) => person.id !== myId && !erased.has(person.id))
  return (
    <section aria-labelledby="erasure-heading" className="space-y-3">
      <div>
        <h2 id="erasure-heading" className="text-lg font-semibold">
          {t('erasure.heading')}
        </h2>
        <p className={cx('mt-1 max-w-prose text-sm', muted)}>{t('erasure.intro')}</p>
      </div>
      {candidates.length > 0 ? (
        <Form method="post" className="grid gap-4 sm:grid-cols-[1fr_1fr_auto] sm:items-start">
          <input type="hidden" name="intent" value="erase" />
          <div>
            <label htmlFor={personId} className={field.label}>
              {t('erasure.personLabel')}
            </label>
            <select id={personId} name="userId" className={field.input} required>
              {candidates.map((person) => (
                <option key={person.id} value={person.id}>
                  {person.name} ({person.email})
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor={confirmId} className={field.label}>
              {t('erasure.confirmLabel')}
            </label>
            <input
              id={confirmId}
              name="confirm"
              type="text"
              required
              maxLength={320}
              autoComplete="off"
              className={field.input}
              aria-invalid={confirmError ? true : undefined}
              aria-describedby={confirmError ? `${confirmId}-error` : `${confirmId}-hint`}
            />
            {confirmError ? (
              <p id={`${confirmId}-error`} className={cx(field.error, 'mt-1')}>
                {confirmError}
              </p>
            ) : (
              <p id={`${confirmId}-hint`} className={cx(field.hint, 'mt-1')}>
                {t('erasure.confirmHint')}
              </p>
            )}
          </div>
          <button type="submit" className={cx(button.danger, 'sm:mt-6')} disabled={busy}>
            {busy ? t('erasure.erasing') : t('erasure.erase')}
          </button>
        </Form>
      ) : null}
      <h3 className="font-semibold">{t('erasure.receiptsHeading')}</h3>
      {receipts.length === 0 ? (
        <p className={cx('text-sm', muted)}>{t('erasure.none')}</p>
      ) : (
        <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 dark:divide-slate-700 dark:border-slate-700">
          {receipts.map((receipt) => (
            <li
              key={receipt.id}
              data-erasure-status={receipt.status}
              data-subject={receipt.subjectUserId}
              className="flex flex-wrap items-center gap-x-4 gap-y-1 px-3 py-2.5 text-sm"
            >
              <div className="min-w-0 flex-1">
                <p className="font-medium">
                  {t(`erasure.status.${receipt.status}`, { name: nameOf(receipt.subjectUserId) })}
                </p>
                <p className={cx('text-xs', muted)}>
                  {t('erasure.requested', { when: format.dateTime(receipt.requestedAt) })}
                  {receipt.removed.tables
                    ? ` · ${t('erasure.removed', {
                        rows: format.number(removedRows(receipt.removed.tables)),
                        files: format.number(
                          Object.values(receipt.removed.blobs ?? {}).reduce((sum, n) => sum + n, 0),
                        ),
                      })}`
                    : ''}
                </p>
              </div>
              {receipt.status === 'done' ? (
                <a
                  className={cx(button.secondary, 'py-1')}
                  href={`/api/erasures/${receipt.subjectUserId}/receipt`}
                  download
                >
                  {t('erasure.downloadReceipt')}
                </a>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

/** Rows deleted, without the person's own row, which is kept (pseudonymised), not removed. */
function removedRows(tables: Record<string, number>): number {
  return Object.entries(tables)
    .filter(([table]) => table !== 'users_pseudonymised')
    .reduce((sum, [, n]) => sum + n, 0)
}
