// "Export my data" (GDPR Art. 15 and 20): ask for an archive of everything that is mine,
// watch the job's progress, download it while it lasts.
import { useFetcher } from '@remix-run/react'
import { useEffect } from 'react'
import { useTranslation } from 'react-i18next'
import { useFormat } from '#app/i18n/format.ts'
import { FormDialog, type DialogControl } from '#app/components/ui/dialogs.tsx'
import { button, cx, field } from '#app/components/ui/styles.ts'
import type { ExportsActionResult, loader } from '#app/routes/app.exports.ts'
import { refusalText } from '#app/utils/refusal.ts'

export function ExportDialog(control: DialogControl) {
  const { t } = useTranslation()
  return (
    <FormDialog {...control} title={t('exports.title')} description={t('exports.description')} wide>
      <ExportPanel />
    </FormDialog>
  )
}

function ExportPanel() {
  const { t } = useTranslation()
  const format = useFormat()
  const list = useFetcher<typeof loader>()
  const create = useFetcher<ExportsActionResult>()
  const exports = list.data?.exports
  const pending = exports?.some((item) => item.status === 'queued' || item.status === 'running')

  useEffect(() => {
    if (list.state === 'idle' && !list.data) list.load('/app/exports')
  }, [list])
  useEffect(() => {
    if (create.state === 'idle' && create.data?.ok) list.load('/app/exports')
  }, [create.state, create.data])
  // While a job runs, its progress is polled; nothing is polled otherwise.
  useEffect(() => {
    if (!pending) return
    const timer = setInterval(() => list.load('/app/exports'), 1500)
    return () => clearInterval(timer)
  }, [pending, list])

  const refusal = create.data && !create.data.ok ? create.data : null
  return (
    <div className="space-y-6">
      <create.Form method="post" action="/app/exports">
        <button type="submit" className={button.primary} disabled={create.state !== 'idle' || pending}>
          {create.state !== 'idle' ? t('exports.starting') : t('exports.start')}
        </button>
        {refusal ? (
          <p role="alert" className={cx(field.error, 'mt-2')}>
            {refusalText(t, refusal)}
          </p>
        ) : null}
      </create.Form>
      <section aria-labelledby="export-list-heading" aria-busy={!exports}>
        <h3 id="export-list-heading" className="font-semibold">
          {t('exports.listHeading')}
        </h3>
        {!exports ? (
          <p className={cx(field.hint, 'mt-2')}>{t('exports.loading')}</p>
        ) : exports.length === 0 ? (
          <p className={cx(field.hint, 'mt-2')}>{t('exports.none')}</p>
        ) : (
          <ul className="mt-2 divide-y divide-slate-200 rounded-lg border border-slate-200 dark:divide-slate-700 dark:border-slate-700">
            {exports.map((item) => (
              <li
                key={item.id}
                data-export-status={item.status}
                className="flex flex-wrap items-center gap-x-4 gap-y-1 px-3 py-2.5 text-sm"
              >
                <div className="min-w-0 flex-1">
                  <p className="font-medium" role={item.status === 'running' ? 'status' : undefined}>
                    {item.status === 'queued'
                      ? t('exports.queued')
                      : item.status === 'running'
                        ? t('exports.running', { progress: format.percent(item.progress / 100) })
                        : item.status === 'done'
                          ? t('exports.done', { expires: format.date(item.expiresAt ?? item.createdAt) })
                          : item.status === 'failed'
                            ? item.errorCode === 'storage_unavailable'
                              ? t('exports.failedStorage')
                              : t('exports.failed')
                            : t('exports.expired')}
                  </p>
                  <p className="text-xs text-slate-600 dark:text-slate-300">
                    {t('exports.created', { day: format.date(item.createdAt) })}
                    {item.sizeBytes
                      ? ` · ${t('exports.size', { kilobytes: format.number(Math.max(1, Math.round(item.sizeBytes / 1024))) })}`
                      : ''}
                  </p>
                </div>
                {item.downloadPath ? (
                  <a className={cx(button.secondary, 'py-1')} href={item.downloadPath} download>
                    {t('exports.download')}
                  </a>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  )
}
