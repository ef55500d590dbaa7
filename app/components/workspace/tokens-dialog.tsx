// Personal access tokens for scripts: create one (its secret is shown once, with
// a copy button), see them all, revoke one after confirming.
import { useFetcher } from '@remix-run/react'
import { useCallback, useEffect, useId, useRef, useState } from 'react'
import { ConfirmCancelButton, ConfirmDialog, FormDialog } from '#app/components/ui/dialogs.tsx'
import { button, cx, field } from '#app/components/ui/styles.ts'
import type { CreatedToken, loader, TokensActionResult } from '#app/routes/app.tokens.ts'
import { DialogForm, TextField } from './dialog-form.tsx'

export function TokensDialog({
  open,
  onOpenChange,
  returnFocusTo,
}: {
  open: boolean
  onOpenChange: (open: boolean) => void
  returnFocusTo: () => HTMLElement | null
}) {
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      title="Personal access tokens"
      description="Scripts call the ClinAI API with a token: Authorization: Bearer <token>. A token acts as you."
      returnFocusTo={returnFocusTo}
      wide
    >
      <TokensPanel />
    </FormDialog>
  )
}

function TokensPanel() {
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
          Create a token
        </h3>
        <create.Form ref={form} method="post" action="/app/tokens" className="flex flex-wrap items-end gap-3">
          <input type="hidden" name="intent" value="token.create" />
          <TextField
            label="Token name"
            name="name"
            maxLength={80}
            placeholder="e.g. reporting script"
            error={refusal ? (refusal.fieldErrors.name ?? refusal.message) : undefined}
            className="min-w-[12rem] flex-1"
          />
          <div className="space-y-1.5">
            <label htmlFor={expiresId} className={field.label}>
              Expires
            </label>
            <select id={expiresId} name="expiresInDays" defaultValue="90" className={field.input}>
              <option value="30">in 30 days</option>
              <option value="90">in 90 days</option>
              <option value="365">in a year</option>
              <option value="never">never</option>
            </select>
          </div>
          <button type="submit" className={button.primary} disabled={creating}>
            {creating ? 'Creating…' : 'Create token'}
          </button>
        </create.Form>
        {revealed ? <RevealedToken token={revealed} onDismiss={() => setRevealed(null)} /> : null}
      </section>

      <section aria-labelledby="token-list-heading" aria-busy={!tokens}>
        <h3 id="token-list-heading" className="font-semibold">
          Your tokens
        </h3>
        {!tokens ? (
          <p className={cx(field.hint, 'mt-2')}>Loading your tokens…</p>
        ) : tokens.length === 0 ? (
          <p className={cx(field.hint, 'mt-2')}>
            No tokens yet. Create one above when a script needs to call the API.
          </p>
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
                    <code className="font-mono">{token.displayPrefix}</code> · created {day(token.createdAt)}{' '}
                    · {token.expiresAt ? `expires ${day(token.expiresAt)}` : 'never expires'} ·{' '}
                    {token.lastUsedAt ? `last used ${day(token.lastUsedAt)}` : 'never used'}
                  </p>
                </div>
                {token.revokedAt ? (
                  <span className="text-xs font-medium text-slate-600 dark:text-slate-300">
                    Revoked {day(token.revokedAt)}
                  </span>
                ) : token.expiresAt && Date.parse(token.expiresAt) < Date.now() ? (
                  <span className="text-xs font-medium text-slate-600 dark:text-slate-300">Expired</span>
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
        <strong>Copy the token “{token.name}” now.</strong> It is shown only this once; ClinAI keeps only a
        fingerprint of it.
      </p>
      <label htmlFor={id} className="sr-only">
        New token
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
          {copied === 'yes' ? 'Copied' : 'Copy'}
        </button>
      </div>
      <p aria-live="polite" className="text-xs">
        {copied === 'yes'
          ? 'Copied to the clipboard.'
          : copied === 'failed'
            ? 'Copying failed: select the token and copy it by hand.'
            : ''}
      </p>
      <button type="button" className="text-xs underline" onClick={onDismiss}>
        I have copied it, hide the token
      </button>
    </div>
  )
}

function RevokeToken({ id, name }: { id: string; name: string }) {
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
        aria-label={`Revoke ${name}`}
      >
        Revoke
      </button>
      <ConfirmDialog
        open={open}
        onOpenChange={setOpen}
        title={`Revoke the token “${name}”?`}
        description="Scripts that use it stop working at once. This cannot be undone."
        returnFocusTo={() => trigger.current}
      >
        <DialogForm
          action="/app/tokens"
          fields={{ intent: 'token.revoke', id }}
          submitLabel="Revoke token"
          busyLabel="Revoking…"
          danger
          onDone={close}
          cancel={<ConfirmCancelButton />}
        />
      </ConfirmDialog>
    </>
  )
}

/** The date of an ISO time, as the same text on the server and in the browser. */
function day(iso: string) {
  return iso.slice(0, 10)
}
