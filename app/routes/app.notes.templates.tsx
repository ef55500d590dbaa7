// The clinic's own note templates (admins define them; until the settings area takes this page
// over, it lives beside the notes). Each section carries a short instruction for the assistant.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { button, cx, field, muted } from '#app/components/ui/styles.ts'
import { metaT } from '#app/i18n/meta.ts'
import { loadTemplates, templatesAction } from '#app/utils/notes.server.ts'
import { isRefusal, refusalText } from '#app/utils/refusal.ts'

export function loader({ request, context }: LoaderFunctionArgs) {
  return loadTemplates(request, context)
}

export function action({ request, context }: ActionFunctionArgs) {
  return templatesAction(request, context)
}

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches)('meta.noteTemplates') }]

export default function NoteTemplatesRoute() {
  const { t } = useTranslation()
  const { templates, isAdmin } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const navigation = useNavigation()
  const [rows, setRows] = useState(1)
  const saving = navigation.state !== 'idle'
  return (
    <section
      aria-labelledby="templates-title"
      className="mx-auto w-full max-w-3xl px-4 py-6 text-slate-900 dark:text-slate-100"
    >
      <h1 id="templates-title" className="text-2xl font-semibold tracking-tight">
        {t('notes.templatesTitle')}
      </h1>
      <p className={cx(muted, 'mt-1')}>{t('notes.templatesIntro')}</p>
      {templates.length === 0 ? <p className="mt-4">{t('notes.noTemplates')}</p> : null}
      <ul className="mt-4 space-y-3">
        {templates.map((template) => (
          <li key={template.key} className="rounded-lg border border-slate-200 p-3 dark:border-slate-700">
            <div className="flex items-center justify-between gap-2">
              <h2 className="font-semibold">{template.name}</h2>
              {isAdmin ? (
                <Form method="post">
                  <input type="hidden" name="intent" value="delete" />
                  <input type="hidden" name="templateId" value={template.key} />
                  <button type="submit" className={button.secondary} disabled={saving}>
                    {t('notes.deleteTemplate')}
                    <span className="sr-only"> {template.name}</span>
                  </button>
                </Form>
              ) : null}
            </div>
            <ol className="mt-2 list-decimal space-y-1 pl-5 text-sm">
              {template.sections.map((section) => (
                <li key={section.key}>
                  <span className="font-medium">{section.title}</span>:{' '}
                  <span className={muted}>{section.instruction}</span>
                </li>
              ))}
            </ol>
          </li>
        ))}
      </ul>
      {result && isRefusal(result) ? (
        <p role="alert" className={cx(field.error, 'mt-4')}>
          {refusalText(t, result)}
        </p>
      ) : result?.ok && result.intent === 'create' ? (
        <p role="status" className="mt-4">
          {t('notes.templateSaved')}
        </p>
      ) : null}
      {isAdmin ? (
        <Form
          method="post"
          className="mt-6 space-y-4 rounded-lg border border-slate-300 p-4 dark:border-slate-600"
        >
          <input type="hidden" name="intent" value="create" />
          <div className="space-y-1">
            <label htmlFor="template-name" className={field.label}>
              {t('notes.templateName')}
            </label>
            <input id="template-name" name="name" required maxLength={80} className={field.input} />
          </div>
          {Array.from({ length: rows }, (_, index) => (
            <fieldset key={index} className="space-y-2 border-t border-slate-200 pt-3 dark:border-slate-700">
              <legend className="sr-only">{`${t('notes.sectionTitle')} ${index + 1}`}</legend>
              <input type="hidden" name="key" value="" />
              <label htmlFor={`section-title-${index}`} className={field.label}>
                {t('notes.sectionTitle')} {index + 1}
              </label>
              <input
                id={`section-title-${index}`}
                name="title"
                required
                maxLength={80}
                className={field.input}
              />
              <label htmlFor={`section-instruction-${index}`} className={field.label}>
                {t('notes.sectionInstruction')} {index + 1}
              </label>
              <textarea
                id={`section-instruction-${index}`}
                name="instruction"
                required
                rows={2}
                maxLength={1000}
                className={field.input}
              />
            </fieldset>
          ))}
          <div className="flex flex-wrap gap-2">
            <button
              type="button"
              className={button.secondary}
              onClick={() => setRows((n) => Math.min(12, n + 1))}
            >
              {t('notes.addSection')}
            </button>
            {rows > 1 ? (
              <button
                type="button"
                className={button.secondary}
                onClick={() => setRows((n) => Math.max(1, n - 1))}
              >
                {t('notes.removeSection')}
              </button>
            ) : null}
            <button type="submit" className={button.primary} disabled={saving}>
              {t('notes.saveTemplate')}
            </button>
          </div>
        </Form>
      ) : (
        <p className={cx(muted, 'mt-6')}>{t('notes.adminOnly')}</p>
      )}
    </section>
  )
}
