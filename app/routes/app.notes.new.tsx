// The consultation form: patient reference, session, jottings and a template. Creating stores the
// jottings first, then the note page drafts the sections.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { button, cx, field, muted } from '#app/components/ui/styles.ts'
import { useFormat } from '#app/i18n/format.ts'
import { metaT } from '#app/i18n/meta.ts'
import { createNoteFromForm, loadNewNote } from '#app/utils/notes.server.ts'
import { fieldErrorText, refusalText } from '#app/utils/refusal.ts'

export function loader({ request, context }: LoaderFunctionArgs) {
  return loadNewNote(request, context)
}

export function action({ request, context }: ActionFunctionArgs) {
  return createNoteFromForm(request, context)
}

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches)('meta.newNote') }]

const KINDS = ['first', 'follow_up', 'crisis', 'group'] as const

export default function NewNoteRoute() {
  const { t } = useTranslation()
  const { templates, maxJottings } = useLoaderData<typeof loader>()
  const refusal = useActionData<typeof action>()
  const navigation = useNavigation()
  const format = useFormat()
  const creating = navigation.state !== 'idle' && navigation.formMethod?.toLowerCase() === 'post'
  const error = (name: string) => fieldErrorText(t, refusal, name)
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date())
  const builtIn = templates.filter((template) => template.builtIn)
  const own = templates.filter((template) => !template.builtIn)
  const described = (name: string, hint?: string) => {
    const ids = [hint ? `${name}-hint` : null, error(name) ? `${name}-error` : null].filter(Boolean)
    return ids.length > 0 ? ids.join(' ') : undefined
  }
  const errorLine = (name: string) =>
    error(name) ? (
      <p id={`${name}-error`} className={field.error}>
        {error(name)}
      </p>
    ) : null
  return (
    <section
      aria-labelledby="new-note-title"
      className="mx-auto w-full max-w-3xl px-4 py-6 text-slate-900 dark:text-slate-100"
    >
      <h1 id="new-note-title" className="text-2xl font-semibold tracking-tight">
        {t('notes.formTitle')}
      </h1>
      <p className={cx(muted, 'mt-1')}>{t('notes.formIntro')}</p>
      <Form method="post" className="mt-6 space-y-5" noValidate>
        <div className="space-y-1">
          <label htmlFor="patientRef" className={field.label}>
            {t('notes.patientRef')}
          </label>
          <input
            id="patientRef"
            name="patientRef"
            required
            maxLength={80}
            autoComplete="off"
            aria-describedby={described('patientRef', 'hint')}
            aria-invalid={error('patientRef') ? true : undefined}
            className={field.input}
          />
          <p id="patientRef-hint" className={field.hint}>
            {t('notes.patientRefHint')}
          </p>
          {errorLine('patientRef')}
        </div>
        <div className="grid gap-4 sm:grid-cols-3">
          <div className="space-y-1">
            <label htmlFor="sessionDate" className={field.label}>
              {t('notes.sessionDate')}
            </label>
            <input
              id="sessionDate"
              name="sessionDate"
              type="date"
              defaultValue={today}
              required
              className={field.input}
            />
            {errorLine('sessionDate')}
          </div>
          <div className="space-y-1">
            <label htmlFor="sessionKind" className={field.label}>
              {t('notes.sessionKind')}
            </label>
            <select id="sessionKind" name="sessionKind" defaultValue="follow_up" className={field.input}>
              {KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {t(`notes.kinds.${kind}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="space-y-1">
            <label htmlFor="durationMinutes" className={field.label}>
              {t('notes.duration')}
            </label>
            <input
              id="durationMinutes"
              name="durationMinutes"
              type="number"
              min={1}
              max={600}
              defaultValue={50}
              required
              aria-invalid={error('durationMinutes') ? true : undefined}
              aria-describedby={described('durationMinutes')}
              className={field.input}
            />
            {errorLine('durationMinutes')}
          </div>
        </div>
        <div className="space-y-1">
          <label htmlFor="template" className={field.label}>
            {t('notes.template')}
          </label>
          <select id="template" name="template" defaultValue="soap" className={field.input}>
            <optgroup label={t('notes.builtIn')}>
              {builtIn.map((template) => (
                <option key={template.key} value={template.key}>
                  {template.name}
                </option>
              ))}
            </optgroup>
            {own.length > 0 ? (
              <optgroup label={t('notes.clinicTemplates')}>
                {own.map((template) => (
                  <option key={template.key} value={template.key}>
                    {template.name}
                  </option>
                ))}
              </optgroup>
            ) : null}
          </select>
        </div>
        <div className="space-y-1">
          <label htmlFor="jottings" className={field.label}>
            {t('notes.jottings')}
          </label>
          <textarea
            id="jottings"
            name="jottings"
            required
            rows={10}
            maxLength={maxJottings}
            aria-describedby={described('jottings', 'hint')}
            aria-invalid={error('jottings') ? true : undefined}
            className={field.input}
          />
          <p id="jottings-hint" className={field.hint}>
            {t('notes.jottingsHint', { max: format.number(maxJottings) })}
          </p>
          {errorLine('jottings')}
        </div>
        {refusal && Object.keys(refusal.fieldErrors).length === 0 ? (
          <p role="alert" className={field.error}>
            {refusalText(t, refusal)}
          </p>
        ) : null}
        <button type="submit" className={button.primary} disabled={creating}>
          {creating ? t('notes.creating') : t('notes.create')}
        </button>
      </Form>
    </section>
  )
}
