// "Export my data" (GDPR Art. 15 and 20): ask for an archive of everything that is mine,
// watch the job's progress, download it while it lasts. Every sentence shown is in
// `exportText` below, so it can move into the translation files as one piece.
import { useFetcher } from '@remix-run/react'
import { useEffect } from 'react'
import { FormDialog } from '#app/components/ui/dialogs.tsx'
import { button, cx, field } from '#app/components/ui/styles.ts'
import type { ExportsActionResult, loader } from '#app/routes/app.exports.ts'

/** User-visible strings of the export dialog (English for now; to be moved into i18n). */
export const exportText = {
  menuItem: 'Export my data…',
  title: 'Export my data',
  description:
    'One archive of everything that is yours: your conversations with their messages and your folders, as a JSON file for other programs and a Markdown file per conversation.',
  start: 'Create an export',
  starting: 'Asking…',
  loading: 'Loading your exports…',
  none: 'No exports yet.',
  listHeading: 'Your exports',
  download: 'Download',
  status: {
    queued: 'Waiting to start',
    running: (progress: number) => `Writing the archive… ${progress}%`,
    done: (expires: string) => `Ready, downloadable until ${expires}`,
    failed: (code: string | null) =>
      code === 'storage_unavailable'
        ? 'Failed: file storage is not available. Please ask your administrator.'
        : 'Failed. Please try again later.',
    expired: 'Expired and deleted',
  },
  created: (day: string) => `Asked for on ${day}`,
  size: (bytes: number) => `${Math.max(1, Math.round(bytes / 1024))} KB`,
} as const

export function ExportDialog({
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
      title={exportText.title}
      description={exportText.description}
      returnFocusTo={returnFocusTo}
      wide
    >
      <ExportPanel />
    </FormDialog>
  )
}

function ExportPanel() {
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
          {create.state !== 'idle' ? exportText.starting : exportText.start}
        </button>
        {refusal ? (
          <p role="alert" className={cx(field.error, 'mt-2')}>
            {refusal.message}
          </p>
        ) : null}
      </create.Form>
      <section aria-labelledby="export-list-heading" aria-busy={!exports}>
        <h3 id="export-list-heading" className="font-semibold">
          {exportText.listHeading}
        </h3>
        {!exports ? (
          <p className={cx(field.hint, 'mt-2')}>{exportText.loading}</p>
        ) : exports.length === 0 ? (
          <p className={cx(field.hint, 'mt-2')}>{exportText.none}</p>
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
                      ? exportText.status.queued
                      : item.status === 'running'
                        ? exportText.status.running(item.progress)
                        : item.status === 'done'
                          ? exportText.status.done(day(item.expiresAt ?? item.createdAt))
                          : item.status === 'failed'
                            ? exportText.status.failed(item.errorCode)
                            : exportText.status.expired}
                  </p>
                  <p className="text-xs text-slate-600 dark:text-slate-300">
                    {exportText.created(day(item.createdAt))}
                    {item.sizeBytes ? ` · ${exportText.size(item.sizeBytes)}` : ''}
                  </p>
                </div>
                {item.downloadPath ? (
                  <a className={cx(button.secondary, 'py-1')} href={item.downloadPath} download>
                    {exportText.download}
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

/** The date of an ISO time, as the same text on the server and in the browser. */
function day(iso: string) {
  return iso.slice(0, 10)
}
