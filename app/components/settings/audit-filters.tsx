// The audit trail's filters, as a GET form: the URL is the state, so a filtered
// view can be bookmarked, paged and downloaded as it is.
import { Form, Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { button, field } from '#app/components/ui/styles.ts'

export interface AuditFilterValues {
  actor: string | null
  action: string | null
  from: string | null
  to: string | null
}

export function AuditFilters({
  values,
  choices,
}: {
  values: AuditFilterValues
  choices: { actions: string[]; actors: Array<{ userId: string; name: string }> }
}) {
  const { t } = useTranslation()
  return (
    <Form
      method="get"
      aria-label={t('auditTrail.filters')}
      className="grid gap-3 sm:grid-cols-2 lg:grid-cols-5 lg:items-end"
    >
      <div>
        <label htmlFor="audit-actor" className={field.label}>
          {t('auditTrail.actor')}
        </label>
        <select
          id="audit-actor"
          name="actor"
          defaultValue={values.actor ?? ''}
          className={`${field.input} mt-1`}
        >
          <option value="">{t('auditTrail.anyActor')}</option>
          {choices.actors.map((actor) => (
            <option key={actor.userId} value={actor.userId}>
              {actor.name}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="audit-action" className={field.label}>
          {t('auditTrail.action')}
        </label>
        <select
          id="audit-action"
          name="action"
          defaultValue={values.action ?? ''}
          className={`${field.input} mt-1`}
        >
          <option value="">{t('auditTrail.anyAction')}</option>
          {choices.actions.map((action) => (
            <option key={action} value={action}>
              {action}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="audit-from" className={field.label}>
          {t('auditTrail.from')}
        </label>
        <input
          id="audit-from"
          name="from"
          type="date"
          min="2020-01-01"
          max="2099-12-31"
          defaultValue={values.from ?? ''}
          className={`${field.input} mt-1`}
        />
      </div>
      <div>
        <label htmlFor="audit-to" className={field.label}>
          {t('auditTrail.to')}
        </label>
        <input
          id="audit-to"
          name="to"
          type="date"
          min="2020-01-01"
          max="2099-12-31"
          defaultValue={values.to ?? ''}
          className={`${field.input} mt-1`}
        />
      </div>
      <div className="flex gap-2">
        <button type="submit" className={button.primary}>
          {t('auditTrail.apply')}
        </button>
        <Link to="/app/settings/audit" className={button.secondary}>
          {t('auditTrail.reset')}
        </Link>
      </div>
    </Form>
  )
}
