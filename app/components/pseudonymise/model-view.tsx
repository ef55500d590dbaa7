// "What the model saw": the prompt of a conversation's latest answer, or of each section of a note,
// exactly as it was sent, placeholders and all. Loaded when the clinician asks for it, from their
// own conversation or note only (conversations.modelView, notes.modelView).
import { createTRPCClient, httpLink } from '@trpc/client'
import { Fragment, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { FormDialog, DialogClose } from '#app/components/ui/dialogs.tsx'
import { button, cx, muted } from '#app/components/ui/styles.ts'
import { useFormat } from '#app/i18n/format.ts'
import type { ModelView } from '#server/services/pseudonymise/store.ts'
import type { AppRouter } from '#server/trpc/root.ts'

const api = createTRPCClient<AppRouter>({ links: [httpLink({ url: '/api/trpc' })] })

type View = ModelView
type Scope = { conversationId: string } | { noteId: string; sections: Array<{ id: string; title: string }> }

const PLACEHOLDER = /(\[[A-Z]{2,8}_\d{1,5}\])/

function Highlighted({ text }: { text: string }) {
  return text.split(PLACEHOLDER).map((part, index) =>
    index % 2 === 1 ? (
      <mark
        key={index}
        className="rounded bg-amber-100 px-0.5 text-amber-950 dark:bg-amber-800 dark:text-amber-50"
      >
        {part}
      </mark>
    ) : (
      <Fragment key={index}>{part}</Fragment>
    ),
  )
}

export function ModelViewButton({ scope }: { scope: Scope }) {
  const { t } = useTranslation()
  const format = useFormat()
  const [open, setOpen] = useState(false)
  const [state, setState] = useState<{ views: View[] } | 'loading' | 'failed'>('loading')

  async function load() {
    setState('loading')
    try {
      const answer =
        'conversationId' in scope
          ? await api.conversations.modelView.query({ conversationId: scope.conversationId })
          : await api.notes.modelView.query({ noteId: scope.noteId })
      setState({ views: answer.views })
    } catch {
      setState('failed')
    }
  }

  const sectionTitle = (key: string) =>
    'sections' in scope ? scope.sections.find((section) => section.id === key)?.title : undefined

  return (
    <>
      <button
        type="button"
        className={button.secondary}
        data-testid="model-view-open"
        onClick={() => {
          setOpen(true)
          void load()
        }}
      >
        {t('modelView.open')}
      </button>
      <FormDialog
        open={open}
        onOpenChange={setOpen}
        title={t('modelView.title')}
        description={t('modelView.description')}
        wide
      >
        <div className="space-y-4" data-testid="model-view" aria-live="polite">
          {state === 'loading' ? <p className={muted}>{t('modelView.loading')}</p> : null}
          {state === 'failed' ? <p role="alert">{t('modelView.failed')}</p> : null}
          {typeof state === 'object' && state.views.length === 0 ? (
            <p className={muted}>{t('modelView.empty')}</p>
          ) : null}
          {typeof state === 'object'
            ? state.views.map((view) => (
                <section key={view.key} className="space-y-2">
                  <h3 className="text-sm font-semibold">
                    {sectionTitle(view.key) ?? t('modelView.latest')}
                    <span className={cx('ml-2 font-normal', muted)}>{format.dateTime(view.sentAt)}</span>
                  </h3>
                  <p
                    className={cx(
                      'rounded-md px-2 py-1 text-xs',
                      view.pseudonymised
                        ? 'bg-emerald-50 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100'
                        : 'bg-amber-50 text-amber-900 dark:bg-amber-950 dark:text-amber-100',
                    )}
                  >
                    {view.pseudonymised ? t('modelView.pseudonymised') : t('modelView.notPseudonymised')}
                  </p>
                  <ol className="space-y-2">
                    {view.messages.map((message, index) => (
                      <li
                        key={index}
                        className="rounded-md border border-slate-200 p-2 dark:border-slate-700"
                      >
                        <p className={cx('text-xs font-medium uppercase tracking-wide', muted)}>
                          {t(`modelView.roles.${message.role}`)}
                        </p>
                        <p
                          className="mt-1 whitespace-pre-wrap break-words font-mono text-xs"
                          data-testid="model-view-text"
                        >
                          <Highlighted text={message.content} />
                        </p>
                      </li>
                    ))}
                  </ol>
                </section>
              ))
            : null}
          <div className="flex justify-end">
            <DialogClose asChild>
              <button type="button" className={button.secondary}>
                {t('modelView.close')}
              </button>
            </DialogClose>
          </div>
        </div>
      </FormDialog>
    </>
  )
}
