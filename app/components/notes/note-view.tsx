// One consultation note: its sections (streaming in, edited in place with autosave, or locked
// once signed), sign-off, amendments, copies, exports and the history. All text is shown as text:
// the model's output and the jottings are never rendered as HTML or Markdown here.
import { Form, useNavigation, useRevalidator } from '@remix-run/react'
import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { MarkdownText } from '#app/components/chat/markdown.tsx'
import { ModelViewButton } from '#app/components/pseudonymise/model-view.tsx'
import { useFormat } from '#app/i18n/format.ts'
import { button, cx, field, muted } from '#app/components/ui/styles.ts'
import { noteAsPlainText, toPlainText } from '#server/contract/note-text.ts'
import type { NoteSectionView, NoteVersionView, NoteView as Note } from '#server/services/notes/notes.ts'
import { useAutosave } from './use-autosave.ts'
import { useNoteDraft, type LiveSection } from './use-note-draft.ts'

export function NoteView({
  note,
  history,
  autoDraft,
}: {
  note: Note
  history: NoteVersionView[]
  autoDraft: boolean
}) {
  const { t } = useTranslation()
  const format = useFormat()
  const revalidator = useRevalidator()
  const { live, running, refusal, draft, stop } = useNoteDraft(note.id, () => revalidator.revalidate())
  const started = useRef(false)
  const signed = note.status === 'signed'
  const anyIdle = note.sections.some((section) => section.status === 'idle' && !live[section.id])

  useEffect(() => {
    if (autoDraft && !started.current && !signed && note.sections.some((s) => s.status === 'idle')) {
      started.current = true
      void draft()
    }
  }, [autoDraft, draft, note.sections, signed])

  const kind = t(`notes.kinds.${note.sessionKind}`)
  const plain = () =>
    noteAsPlainText({
      heading: `${t('notes.export.title')}: ${note.patientRef}`,
      meta: [
        t('notes.session', { kind, date: format.date(note.sessionDate), minutes: note.durationMinutes }),
      ],
      sections: note.sections.map((section) => ({ title: section.title, content: section.content })),
      signature:
        signed && note.signedBy && note.signedAt
          ? t('notes.signedBy', { name: note.signedBy.name, when: format.dateTime(note.signedAt) })
          : null,
    })

  return (
    <article
      aria-labelledby="note-title"
      className="mx-auto w-full max-w-3xl px-4 py-6 text-slate-900 dark:text-slate-100"
    >
      <header className="space-y-1">
        <h1 id="note-title" className="text-2xl font-semibold tracking-tight">
          {note.patientRef}
          <span
            className={cx(
              'ml-3 rounded-full px-2 py-0.5 align-middle text-xs font-medium',
              signed
                ? 'bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100'
                : 'bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100',
            )}
          >
            {signed ? t('notes.signedBadge') : t('notes.draftBadge')}
          </span>
        </h1>
        <p className={muted}>
          {t('notes.session', { kind, date: format.date(note.sessionDate), minutes: note.durationMinutes })} ·{' '}
          {note.templateName}
        </p>
        <div className="pt-2">
          <ModelViewButton
            scope={{
              noteId: note.id,
              sections: note.sections.map((section) => ({ id: section.id, title: section.title })),
            }}
          />
        </div>
      </header>

      <div className="mt-4 flex flex-wrap items-center gap-2">
        {!signed &&
          (running ? (
            <button type="button" className={button.secondary} onClick={stop}>
              {t('notes.stop')}
            </button>
          ) : anyIdle ? (
            <button type="button" className={button.primary} onClick={() => void draft()}>
              {note.sections.every((s) => s.status === 'idle') ? t('notes.draftAll') : t('notes.draftRest')}
            </button>
          ) : null)}
        <CopyText label={t('notes.copyAll')} text={plain} />
        <span className={cx(muted, 'ml-2 text-sm')}>{t('notes.exports')}:</span>
        {(['pdf', 'docx', 'md'] as const).map((kind) => (
          <a key={kind} className={button.secondary} href={`/app/notes/${note.id}/export/${kind}`} download>
            {kind === 'pdf'
              ? t('notes.exportPdf')
              : kind === 'docx'
                ? t('notes.exportDocx')
                : t('notes.exportMarkdown')}
          </a>
        ))}
      </div>
      {refusal ? (
        <p role="alert" className={cx(field.error, 'mt-3')}>
          {refusal === 'note_signed' || refusal === 'nothing_to_draft'
            ? t(`notes.refusal.${refusal}`)
            : refusal === 'network'
              ? t('chat.refusal.network.text')
              : t(`chat.refusal.${refusal}.text`)}
        </p>
      ) : null}

      {signed ? <SignOff note={note} /> : null}

      <div className="mt-6 space-y-6">
        {note.sections.map((section) => (
          <SectionBlock
            key={section.id}
            section={section}
            live={live[section.id]}
            signed={signed}
            busy={running}
            onRegenerate={() => void draft(section.id)}
            onStop={stop}
          />
        ))}
      </div>

      {!signed ? <SignAndDelete note={note} years={note.retentionYears} disabled={running} /> : null}

      <details className="mt-8 rounded-lg border border-slate-200 p-3 dark:border-slate-700">
        <summary className="cursor-pointer font-medium">{t('notes.jottingsHeading')}</summary>
        <p className="mt-2 whitespace-pre-wrap break-words text-sm" data-testid="note-jottings">
          {note.jottings}
        </p>
      </details>
      <History history={history} />
    </article>
  )
}

function SectionBlock({
  section,
  live,
  signed,
  busy,
  onRegenerate,
  onStop,
}: {
  section: NoteSectionView
  live: LiveSection | undefined
  signed: boolean
  busy: boolean
  onRegenerate: () => void
  onStop: () => void
}) {
  const { t } = useTranslation()
  const streaming = live?.phase === 'streaming' || (!live && section.status === 'streaming')
  const status =
    live && live.phase !== 'streaming'
      ? section.status === 'streaming'
        ? live.phase
        : section.status
      : streaming
        ? 'streaming'
        : section.status
  const editable = !signed && !streaming && !busy
  const autosave = useAutosave(section, !signed)
  const headingId = `section-${section.id}`
  return (
    <section
      aria-labelledby={headingId}
      data-testid="note-section"
      data-key={section.key}
      data-status={status}
      className="rounded-lg border border-slate-200 p-4 dark:border-slate-700"
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id={headingId} className="text-lg font-semibold">
          {section.title}
        </h2>
        <div className="flex flex-wrap items-center gap-2 text-sm">
          {status !== 'complete' ? <span className={muted}>{t(`notes.sectionStatus.${status}`)}</span> : null}
          {streaming ? (
            <button type="button" className={button.secondary} onClick={onStop}>
              {t('notes.stop')}
            </button>
          ) : null}
          {!signed && !streaming && status !== 'idle' ? (
            <button type="button" className={button.secondary} onClick={onRegenerate} disabled={busy}>
              {t('notes.regenerate')}
              <span className="sr-only"> {section.title}</span>
            </button>
          ) : null}
          <CopyText label={t('notes.copy')} extra={section.title} text={() => toPlainText(autosave.value)} />
        </div>
      </div>
      {streaming ? (
        <p
          aria-live="polite"
          className="mt-2 min-h-[3rem] whitespace-pre-wrap break-words text-sm"
          data-testid="section-live"
        >
          {live?.text ?? section.content}
        </p>
      ) : signed ? (
        <>
          <div className="mt-2 break-words text-sm" data-testid="section-text">
            <MarkdownText text={section.content} />
          </div>
          <AmendForm section={section} />
        </>
      ) : (
        <>
          <label htmlFor={`edit-${section.id}`} className="sr-only">
            {t('notes.editLabel', { title: section.title })}
          </label>
          <textarea
            id={`edit-${section.id}`}
            value={autosave.value}
            readOnly={!editable}
            onChange={(event) => autosave.change(event.target.value)}
            onBlur={() => void autosave.flush()}
            rows={Math.min(16, Math.max(4, autosave.value.split('\n').length + 1))}
            maxLength={20_000}
            className={cx(field.input, 'mt-2 font-normal leading-relaxed')}
          />
          <p className={cx(field.hint, 'mt-1 text-xs')} aria-live="polite" data-testid="save-state">
            {autosave.state.kind === 'saved'
              ? t('notes.saved')
              : autosave.state.kind === 'saving'
                ? t('notes.saving')
                : autosave.state.kind === 'pending'
                  ? t('notes.unsaved')
                  : t('notes.saveFailed', { reason: t(`apiError.${autosave.state.code as 'internal'}`) })}
          </p>
        </>
      )}
      {status === 'error' && (live?.errorCode ?? section.errorCode) ? (
        <p className={cx(field.error, 'mt-1')}>
          {t(`chat.answerError.${(live?.errorCode ?? section.errorCode) as 'unknown'}.title`, {
            defaultValue: t('chat.answerError.unknown.title'),
          })}
        </p>
      ) : null}
    </section>
  )
}

function AmendForm({ section }: { section: NoteSectionView }) {
  const { t } = useTranslation()
  const navigation = useNavigation()
  const [open, setOpen] = useState(false)
  const saving = navigation.state !== 'idle' && navigation.formData?.get('sectionId') === section.id
  useEffect(() => {
    if (navigation.state === 'idle') setOpen(false)
  }, [navigation.state])
  if (!open)
    return (
      <button type="button" className={cx(button.secondary, 'mt-3')} onClick={() => setOpen(true)}>
        {t('notes.amend')}
        <span className="sr-only"> {section.title}</span>
      </button>
    )
  return (
    <Form method="post" className="mt-3 space-y-2 rounded-lg bg-slate-50 p-3 dark:bg-slate-800">
      <h3 className="font-medium">{t('notes.amendTitle', { title: section.title })}</h3>
      <input type="hidden" name="intent" value="amend" />
      <input type="hidden" name="sectionId" value={section.id} />
      <label className={field.label} htmlFor={`amend-${section.id}`}>
        {section.title}
      </label>
      <textarea
        id={`amend-${section.id}`}
        name="content"
        defaultValue={section.content}
        rows={6}
        maxLength={20_000}
        className={field.input}
      />
      <label className={field.label} htmlFor={`reason-${section.id}`}>
        {t('notes.amendReason')}
      </label>
      <input id={`reason-${section.id}`} name="reason" required maxLength={500} className={field.input} />
      <div className="flex gap-2">
        <button type="submit" className={button.primary} disabled={saving}>
          {saving ? t('dialog.saving') : t('notes.amendSubmit')}
        </button>
        <button type="button" className={button.secondary} onClick={() => setOpen(false)}>
          {t('dialog.cancel')}
        </button>
      </div>
    </Form>
  )
}

function SignOff({ note }: { note: Note }) {
  const { t } = useTranslation()
  const format = useFormat()
  return (
    <div
      className="mt-4 space-y-1 rounded-lg border border-emerald-300 bg-emerald-50 p-3 text-sm dark:border-emerald-700 dark:bg-emerald-950"
      data-testid="sign-off"
    >
      <p className="font-medium">
        {t('notes.signedBy', {
          name: note.signedBy?.name ?? '',
          when: note.signedAt ? format.dateTime(note.signedAt) : '',
        })}
      </p>
      <p className="break-all font-mono text-xs">{t('notes.hash', { hash: note.signedHash ?? '' })}</p>
      <p data-testid="integrity">
        {note.integrity === 'valid' ? t('notes.integrityValid') : t('notes.integrityAltered')}
      </p>
      {note.amendedAt ? <p>{t('notes.amended', { when: format.dateTime(note.amendedAt) })}</p> : null}
      {note.retainUntil ? <p>{t('notes.retainUntil', { date: format.date(note.retainUntil) })}</p> : null}
      <p className={muted}>{t('notes.lockedHint')}</p>
    </div>
  )
}

function SignAndDelete({ note, years, disabled }: { note: Note; years: number; disabled: boolean }) {
  const { t } = useTranslation()
  const navigation = useNavigation()
  const [confirm, setConfirm] = useState<'sign' | 'delete' | null>(null)
  const pending = navigation.state !== 'idle' ? navigation.formData?.get('intent') : null
  return (
    <div className="mt-8 space-y-3">
      {confirm === null ? (
        <div className="flex flex-wrap gap-2">
          <button
            type="button"
            className={button.primary}
            onClick={() => setConfirm('sign')}
            disabled={disabled}
          >
            {t('notes.sign')}
          </button>
          <button
            type="button"
            className={button.secondary}
            onClick={() => setConfirm('delete')}
            disabled={disabled}
          >
            {t('notes.delete')}
          </button>
        </div>
      ) : (
        <Form
          method="post"
          role="group"
          aria-labelledby="confirm-title"
          className="space-y-2 rounded-lg border border-slate-300 p-4 dark:border-slate-600"
        >
          <h2 id="confirm-title" className="font-semibold">
            {confirm === 'sign' ? t('notes.signTitle') : t('notes.deleteTitle')}
          </h2>
          <p className="text-sm">
            {confirm === 'sign' ? t('notes.signText', { years }) : t('notes.deleteText')}
          </p>
          <input type="hidden" name="intent" value={confirm} />
          <input type="hidden" name="noteId" value={note.id} />
          <div className="flex gap-2">
            <button
              type="submit"
              className={confirm === 'sign' ? button.primary : button.danger}
              disabled={pending !== null && pending !== undefined}
            >
              {pending === 'sign'
                ? t('notes.signing')
                : confirm === 'sign'
                  ? t('notes.sign')
                  : t('notes.deleteSubmit')}
            </button>
            <button type="button" className={button.secondary} onClick={() => setConfirm(null)}>
              {t('dialog.cancel')}
            </button>
          </div>
        </Form>
      )}
    </div>
  )
}

function History({ history }: { history: NoteVersionView[] }) {
  const { t } = useTranslation()
  const format = useFormat()
  return (
    <details
      className="mt-4 rounded-lg border border-slate-200 p-3 dark:border-slate-700"
      data-testid="note-history"
    >
      <summary className="cursor-pointer font-medium">{t('notes.history')}</summary>
      {history.length === 0 ? (
        <p className={cx(muted, 'mt-2 text-sm')}>{t('notes.historyEmpty')}</p>
      ) : (
        <ol className="mt-2 space-y-2 text-sm">
          {history.map((version) => (
            <li key={version.id} className="border-l-2 border-slate-300 pl-3 dark:border-slate-600">
              <p>
                <span className="font-medium">{version.sectionTitle ?? t('notes.wholeNote')}</span>:{' '}
                {t(`notes.versionKinds.${version.kind}`)} (v{version.version})
              </p>
              <p className={muted}>
                {t('notes.historyItem', {
                  who: version.author.name,
                  when: format.dateTime(version.createdAt),
                })}
              </p>
              {version.reason ? <p>{t('notes.reason', { reason: version.reason })}</p> : null}
            </li>
          ))}
        </ol>
      )}
    </details>
  )
}

function CopyText({ label, text, extra }: { label: string; text: () => string; extra?: string }) {
  const { t } = useTranslation()
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle')
  useEffect(() => {
    if (state === 'idle') return
    const timer = setTimeout(() => setState('idle'), 2000)
    return () => clearTimeout(timer)
  }, [state])
  return (
    <>
      <button
        type="button"
        className={button.secondary}
        onClick={() =>
          void navigator.clipboard.writeText(text()).then(
            () => setState('copied'),
            () => setState('failed'),
          )
        }
      >
        {state === 'copied' ? t('notes.copied') : state === 'failed' ? t('notes.copyFailed') : label}
        {extra ? <span className="sr-only"> {extra}</span> : null}
      </button>
      <span className="sr-only" aria-live="polite">
        {state === 'copied' ? t('notes.copied') : ''}
      </span>
    </>
  )
}
