// The clinic's settings: name, default language, model deployment (from the
// operator's list), system prompt (with the built-in one shown and a reset), monthly
// budget, cap per person, retention, and pseudonymisation (on by default) with the clinic's
// own words never to send. One plain form through admin.settings.update; every change
// applies from the next chat request.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { SettingsField } from '#app/components/settings/settings-field.tsx'
import { button, cx, field, muted } from '#app/components/ui/styles.ts'
import { metaT } from '#app/i18n/meta.ts'
import { readForm } from '#app/utils/read-form.ts'
import { fieldErrorText, refusalText, type ActionResult } from '#app/utils/refusal.ts'
import { formNumberOrNull, formText } from '#app/utils/settings-form.ts'
import { getCaller } from '#app/utils/trpc.server.ts'
import { actionDone, actionRefused, unknownIntent } from '#app/utils/action.server.ts'

export const meta: MetaFunction = ({ matches }) => {
  const t = metaT(matches)
  return [{ title: t('settings.meta', { page: t('clinicSettings.heading') }) }]
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { caller } = await getCaller(request, context)
  return json({ settings: await caller.admin.settings.get() }, { headers: { 'cache-control': 'no-store' } })
}

export type ClinicActionResult = ActionResult

export async function action({ request, context }: ActionFunctionArgs) {
  const { caller } = await getCaller(request, context)
  const form = await readForm(request)
  // The save button names no intent of its own when the form is sent with Enter in some browsers.
  const intent = formText(form, 'intent') || 'save'
  try {
    if (intent === 'resetPrompt') {
      await caller.admin.settings.update({ systemPrompt: null })
      return actionDone(intent)
    }
    if (intent !== 'save') return unknownIntent(intent)
    const prompt = formText(form, 'systemPrompt').replace(/\r\n/g, '\n')
    const deployment = formText(form, 'modelDeployment')
    // The procedure checks types and bounds; what is not a number is refused there, by field.
    await caller.admin.settings.update({
      displayName: formText(form, 'displayName'),
      defaultLocale: formText(form, 'defaultLocale') as 'de' | 'en',
      modelDeployment: deployment === '' ? null : deployment,
      systemPrompt: prompt.trim() === '' ? null : prompt,
      monthlyTokenBudget: formNumberOrNull(form, 'monthlyTokenBudget') as number,
      userMonthlyTokenCap: formNumberOrNull(form, 'userMonthlyTokenCap') as number | null,
      retentionDays: formNumberOrNull(form, 'retentionDays') as number | null,
      pseudonymise: form.get('pseudonymise') === 'on',
      // One per line; empty lines are no terms. Bounds are the procedure's.
      neverSendTerms: formText(form, 'neverSendTerms')
        .split(/\r?\n/)
        .map((term) => term.trim())
        .filter((term) => term !== ''),
    })
    return actionDone(intent)
  } catch (error) {
    return actionRefused(intent, error, request)
  }
}

export default function ClinicSettings() {
  const { t } = useTranslation()
  const { settings } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const navigation = useNavigation()
  const busy = navigation.state !== 'idle' && navigation.formMethod === 'POST'
  const refusal = result && !result.ok ? result : null
  const error = (name: string) => fieldErrorText(t, refusal, name)
  // A term's problem is reported at its index (neverSendTerms.3): shown once, for the list.
  const termsErrorKey = Object.keys(refusal?.fieldErrors ?? {}).find(
    (key) => key === 'neverSendTerms' || key.startsWith('neverSendTerms.'),
  )
  const formError = refusal && Object.keys(refusal.fieldErrors).length === 0 ? refusalText(t, refusal) : null
  const { options } = settings
  return (
    <section aria-labelledby="clinic-heading" className="max-w-3xl space-y-4">
      <div>
        <h2 id="clinic-heading" className="text-xl font-semibold">
          {t('clinicSettings.heading')}
        </h2>
        <p className={cx('mt-1 text-sm', muted)}>{t('clinicSettings.intro')}</p>
      </div>
      <div aria-live="polite">
        {!busy && result?.ok ? (
          <p
            role="status"
            className="rounded-lg bg-green-50 px-3 py-2 text-sm text-green-900 dark:bg-green-950 dark:text-green-100"
          >
            {t('settings.saved')}
          </p>
        ) : null}
        {!busy && refusal ? (
          <p role="alert" className={cx('rounded-lg bg-red-50 px-3 py-2 dark:bg-red-950', field.error)}>
            {/* A field's problem shows beside the field; up here only what sends the reader there. */}
            {formError ?? t('clinicSettings.notSavedFields')}
          </p>
        ) : null}
      </div>
      {/* A new key after each save, so the fields show what was stored. */}
      <Form method="post" className="space-y-6" key={settings.updatedAt}>
        <div className="grid gap-6 sm:grid-cols-2">
          <SettingsField label={t('clinicSettings.displayName')} error={error('displayName')}>
            {(props) => (
              <input
                {...props}
                name="displayName"
                type="text"
                required
                maxLength={120}
                defaultValue={settings.displayName}
                className={field.input}
              />
            )}
          </SettingsField>
          <SettingsField
            label={t('clinicSettings.defaultLocale')}
            hint={t('clinicSettings.defaultLocaleHint')}
            error={error('defaultLocale')}
          >
            {(props) => (
              <select
                {...props}
                name="defaultLocale"
                defaultValue={settings.defaultLocale}
                className={field.input}
              >
                <option value="de" lang="de">
                  {t('languages.de')}
                </option>
                <option value="en" lang="en">
                  {t('languages.en')}
                </option>
              </select>
            )}
          </SettingsField>
          <SettingsField
            label={t('clinicSettings.model')}
            hint={t('clinicSettings.modelHint')}
            error={error('modelDeployment')}
          >
            {(props) => (
              <select
                {...props}
                name="modelDeployment"
                defaultValue={settings.modelDeployment ?? ''}
                className={field.input}
              >
                <option value="">
                  {t('clinicSettings.modelDefault', { name: options.defaultDeployment })}
                </option>
                {options.deployments.map((name) => (
                  <option key={name} value={name}>
                    {name}
                  </option>
                ))}
              </select>
            )}
          </SettingsField>
          <SettingsField
            label={t('clinicSettings.budget')}
            hint={t('clinicSettings.budgetHint')}
            error={error('monthlyTokenBudget')}
          >
            {(props) => (
              <input
                {...props}
                name="monthlyTokenBudget"
                type="number"
                required
                min={0}
                max={10_000_000_000}
                step={1}
                inputMode="numeric"
                defaultValue={settings.monthlyTokenBudget}
                className={field.input}
              />
            )}
          </SettingsField>
          <SettingsField
            label={t('clinicSettings.cap')}
            hint={t('clinicSettings.capHint')}
            error={error('userMonthlyTokenCap')}
          >
            {(props) => (
              <input
                {...props}
                name="userMonthlyTokenCap"
                type="number"
                min={1}
                max={10_000_000_000}
                step={1}
                inputMode="numeric"
                defaultValue={settings.userMonthlyTokenCap ?? ''}
                className={field.input}
              />
            )}
          </SettingsField>
          <SettingsField
            label={t('clinicSettings.retention')}
            hint={t('clinicSettings.retentionHint')}
            error={error('retentionDays')}
          >
            {(props) => (
              <input
                {...props}
                name="retentionDays"
                type="number"
                min={7}
                max={3650}
                step={1}
                inputMode="numeric"
                defaultValue={settings.retentionDays ?? ''}
                className={field.input}
              />
            )}
          </SettingsField>
        </div>
        <fieldset className="space-y-3 rounded-lg border border-slate-200 p-4 dark:border-slate-700">
          <legend className="px-1 font-medium">{t('clinicSettings.pseudonymLegend')}</legend>
          <label className="flex items-start gap-2 text-sm">
            <input
              type="checkbox"
              name="pseudonymise"
              defaultChecked={settings.pseudonymise}
              className="mt-0.5 h-4 w-4"
              aria-describedby="pseudonymise-hint"
            />
            <span>{t('clinicSettings.pseudonymise')}</span>
          </label>
          <p id="pseudonymise-hint" className={cx('text-xs', muted)}>
            {t('clinicSettings.pseudonymiseHint')}
          </p>
          <SettingsField
            label={t('clinicSettings.neverSend')}
            hint={t('clinicSettings.neverSendHint')}
            error={termsErrorKey ? error(termsErrorKey) : undefined}
          >
            {(props) => (
              <textarea
                {...props}
                name="neverSendTerms"
                rows={4}
                maxLength={12_000}
                defaultValue={settings.neverSendTerms.join('\n')}
                className={field.input}
              />
            )}
          </SettingsField>
        </fieldset>
        <SettingsField
          label={t('clinicSettings.systemPrompt')}
          hint={
            settings.systemPrompt === null
              ? t('clinicSettings.usingBuiltIn')
              : t('clinicSettings.systemPromptHint')
          }
          error={error('systemPrompt')}
        >
          {(props) => (
            <textarea
              {...props}
              name="systemPrompt"
              rows={6}
              maxLength={8000}
              defaultValue={settings.systemPrompt ?? ''}
              placeholder={options.defaultSystemPrompt}
              className={field.input}
            />
          )}
        </SettingsField>
        <details className="rounded-lg border border-slate-200 px-3 py-2 text-sm dark:border-slate-700">
          <summary className="cursor-pointer font-medium">{t('clinicSettings.builtIn')}</summary>
          <p className={cx('mt-2 whitespace-pre-wrap', muted)} data-testid="built-in-prompt">
            {options.defaultSystemPrompt}
          </p>
        </details>
        {/* Save comes first, so Enter saves; it shows last, at the right. */}
        <div className="flex flex-row-reverse flex-wrap justify-start gap-2">
          <button type="submit" name="intent" value="save" className={button.primary} disabled={busy}>
            {busy ? t('dialog.saving') : t('clinicSettings.save')}
          </button>
          {settings.systemPrompt !== null ? (
            <button
              type="submit"
              name="intent"
              value="resetPrompt"
              formNoValidate
              className={button.secondary}
              disabled={busy}
            >
              {t('clinicSettings.resetPrompt')}
            </button>
          ) : null}
        </div>
      </Form>
    </section>
  )
}
