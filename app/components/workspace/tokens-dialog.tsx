// Personal access tokens for scripts: create one (its secret is shown once, with
// a copy button), see them all, revoke one after confirming.
import { useFetcher } from '@remix-run/react'
import { useCallback, useEffect, useId, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import {
  ConfirmCancelButton,
  ConfirmDialog,
  FormDialog,
  type DialogControl,
} from '#app/components/ui/dialogs.tsx'
import { button, cx, field } from '#app/components/ui/styles.ts'
import { useFormat } from '#app/i18n/format.ts'
import { fieldErrorText, refusalText } from '#app/utils/refusal.ts'
import type { CreatedToken, loader, TokensActionResult } from '#app/routes/app.tokens.ts'
import { DialogForm, TextField } from './dialog-form.tsx'

export function TokensDialog(control: DialogControl) {
  const { t } = useTranslation()
  return (
    <FormDialog {...control} title={t('tokens.title')} description={t('tokens.description')} wide>
      <TokensPanel />
    </FormDialog>
  )
}

function TokensPanel() {
  const { t } = useTranslation()
  const format = useFormat()
  const list = useFetcher<typeof loader>()
  const create = useFetcher<TokensActionResult>()
  const form = useRef<HTMLFormElement>(null)
  const [revealed, setRevealed] = useState<CreatedToken | null>(null)
  const expiresId = useId()

  useEffect(() => {
    if (list.state === 'idle' && !list.data) list.load('/app/tokens')
  }, [list])
  useEffect(() => {
    const result = create.data
    if (create.state === 'idle' && result?.ok && result.created) {
      setRevealed(result.created)
      form.current?.reset()
    }
  }, [create.state, create.data])

  const refusal = create.data && !create.data.ok ? create.data : null
  const creating = create.state !== 'idle'
  const tokens = list.data?.tokens
  return (
    <div className="space-y-6">
      <section aria-labelledby="new-token-heading" className="space-y-3">
        <h3 id="new-token-heading" className="font-semibold">
          {t('tokens.createHeading')}
        </h3>
        <create.Form ref={form} method="post" action="/app/tokens" className="flex flex-wrap items-end gap-3">
          <input type="hidden" name="intent" value="token.create" />
          <TextField
            label={t('tokens.nameLabel')}
            name="name"
            maxLength={80}
            placeholder={t('tokens.namePlaceholder')}
            error={refusal ? (fieldErrorText(t, refusal, 'name') ?? refusalText(t, refusal)) : undefined}
            className="min-w-[12rem] flex-1"
          />
          <div className="space-y-1.5">
            <label htmlFor={expiresId} className={field.label}>
              {t('tokens.expires')}
            </label>
            <select id={expiresId} name="expiresInDays" defaultValue="90" className={field.input}>
              <option value="30">{t('tokens.in30')}</option>
              <option value="90">{t('tokens.in90')}</option>
              <option value="365">{t('tokens.in365')}</option>
              <option value="never">{t('tokens.never')}</option>
            </select>
          </div>
          <button type="submit" className={button.primary} disabled={creating}>
            {creating ? t('tokens.creating') : t('tokens.create')}
          </button>
        </create.Form>
        {revealed ? <RevealedToken token={revealed} onDismiss={() => setRevealed(null)} /> : null}
      </section>

      <section aria-labelledby="token-list-heading" aria-busy={!tokens}>
        <h3 id="token-list-heading" className="font-semibold">
          {t('tokens.listHeading')}
        </h3>
        {!tokens ? (
          <p className={cx(field.hint, 'mt-2')}>{t('tokens.loading')}</p>
        ) : tokens.length === 0 ? (
          <p className={cx(field.hint, 'mt-2')}>{t('tokens.empty')}</p>
        ) : (
          <ul className="mt-2 divide-y divide-slate-200 rounded-lg border border-slate-200 dark:divide-slate-700 dark:border-slate-700">
            {tokens.map((token) => (
              <li
                key={token.id}
                className="flex flex-wrap items-center gap-x-4 gap-y-1 px-3 py-2.5 text-sm"
                data-token-name={token.name}
              >
                <div className="min-w-0 flex-1">
                  <p className="truncate font-medium">{token.name}</p>
                  <p className="text-xs text-slate-600 dark:text-slate-300">
                    <code className="font-mono">{token.displayPrefix}</code> ·{' '}
                    {t('tokens.created', { date: format.date(token.createdAt) })} ·{' '}
                    {token.expiresAt
                      ? t('tokens.expiresOn', { date: format.date(token.expiresAt) })
                      : t('tokens.neverExpires')}{' '}
                    ·{' '}
                    {token.lastUsedAt ? (
                      <time dateTime={token.lastUsedAt} title={format.dateTime(token.lastUsedAt)}>
                        {t('tokens.lastUsed', { when: format.relative(token.lastUsedAt) })}
                      </time>
                    ) : (
                      t('tokens.neverUsed')
                    )}
                  </p>
                </div>
                {token.revokedAt ? (
                  <span className="text-xs font-medium text-slate-600 dark:text-slate-300">
                    {t('tokens.revokedOn', { date: format.date(token.revokedAt) })}
                  </span>
                ) : token.expiresAt && Date.parse(token.expiresAt) < Date.now() ? (
                  <span className="text-xs font-medium text-slate-600 dark:text-slate-300">
                    {t('tokens.expired')}
                  </span>
                ) : (
                  <RevokeToken id={token.id} name={token.name} />
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  )
}

function RevealedToken({ token, onDismiss }: { token: CreatedToken; onDismiss: () => void }) {
  const { t } = useTranslation()
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null)
  const input = useRef<HTMLInputElement>(null)
  const id = useId()
  const copy = () => {
    input.current?.select()
    navigator.clipboard.writeText(token.token).then(
      () => setCopied('yes'),
      () => setCopied('failed'),
    )
  }
  return (
    <div
      role="status"
      className="space-y-2 rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm text-slate-900 dark:border-amber-500 dark:bg-slate-800 dark:text-slate-100"
    >
      <p>
        <strong>{t('tokens.copyNowTitle', { name: token.name })}</strong> {t('tokens.copyNowText')}
      </p>
      <label htmlFor={id} className="sr-only">
        {t('tokens.newToken')}
      </label>
      <div className="flex gap-2">
        <input
          ref={input}
          id={id}
          readOnly
          value={token.token}
          onFocus={(event) => event.currentTarget.select()}
          className={cx(field.input, 'font-mono text-xs')}
        />
        <button type="button" className={button.secondary} onClick={copy}>
          {copied === 'yes' ? t('tokens.copied') : t('tokens.copy')}
        </button>
      </div>
      <p aria-live="polite" className="text-xs">
        {copied === 'yes' ? t('tokens.copiedText') : copied === 'failed' ? t('tokens.copyFailed') : ''}
      </p>
      <button type="button" className="text-xs underline" onClick={onDismiss}>
        {t('tokens.hide')}
      </button>
    </div>
  )
}

function RevokeToken({ id, name }: { id: string; name: string }) {
  const { t } = useTranslation()
  const [open, setOpen] = useState(false)
  const trigger = useRef<HTMLButtonElement>(null)
  const close = useCallback(() => setOpen(false), [])
  return (
    <>
      <button
        ref={trigger}
        type="button"
        className={cx(button.secondary, 'py-1')}
        onClick={() => setOpen(true)}
        aria-label={t('tokens.revokeLabel', { name })}
      >
        {t('tokens.revoke')}
      </button>
      <ConfirmDialog
        open={open}
        onOpenChange={setOpen}
        title={t('tokens.revokeTitle', { name })}
        description={t('tokens.revokeText')}
        returnFocusTo={() => trigger.current}
      >
        <DialogForm
          action="/app/tokens"
          fields={{ intent: 'token.revoke', id }}
          submitLabel={t('tokens.revokeSubmit')}
          busyLabel={t('tokens.revoking')}
          danger
          onDone={close}
          cancel={<ConfirmCancelButton />}
        />
      </ConfirmDialog>
    </>
  )
}
