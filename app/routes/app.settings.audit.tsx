// The audit trail: /app/settings/audit?actor=&action=&from=&to=&cursor=. The clinic's
// events newest first, paged by cursor, with the hash chain's verification on top.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { AuditFilters } from '#app/components/settings/audit-filters.tsx'
import { AuditTable } from '#app/components/settings/audit-table.tsx'
import { AuditVerification } from '#app/components/settings/audit-verification.tsx'
import { button, muted } from '#app/components/ui/styles.ts'
import { useFormat } from '#app/i18n/format.ts'
import { metaT } from '#app/i18n/meta.ts'
import { auditFilterSearch, readAuditFilters } from '#app/utils/audit-filters.ts'
import { refusalText } from '#app/utils/refusal.ts'
import { getCaller, toRefusal } from '#app/utils/trpc.server.ts'

export const meta: MetaFunction = ({ matches }) => [{ title: metaT(matches)('meta.settingsAudit') }]

const PAGE_SIZE = 50

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { caller } = await getCaller(request, context)
  const params = new URL(request.url).searchParams
  const filters = readAuditFilters(params)
  const requested = params.get('cursor')
  const cursor = requested && /^[1-9]\d{0,15}$/.test(requested) ? requested : null
  const paged = cursor !== null
  const [verification, choices] = await Promise.all([
    caller.admin.audit.verify(),
    caller.admin.audit.filters(),
  ])
  try {
    const page = await caller.admin.audit.list({
      ...filters,
      cursor,
      limit: PAGE_SIZE,
    })
    return json(
      { filters, verification, choices, page, refusal: null, paged },
      { headers: { 'cache-control': 'no-store' } },
    )
  } catch (error) {
    // Say, a day that does not exist (2026-02-30): shown next to the filters.
    const refusal = toRefusal(error, request)
    return json(
      { filters, verification, choices, page: null, refusal, paged },
      { status: refusal.status, headers: { 'cache-control': 'no-store' } },
    )
  }
}

export default function AuditTrail() {
  const { t } = useTranslation()
  const format = useFormat()
  const { filters, verification, choices, page, refusal, paged } = useLoaderData<typeof loader>()
  return (
    <div className="space-y-6">
      <header className="space-y-2">
        <h1 className="text-2xl font-semibold tracking-tight">{t('auditTrail.heading')}</h1>
        <p className={muted}>{t('auditTrail.intro')}</p>
      </header>
      <AuditVerification verification={verification} />
      <AuditFilters values={filters} choices={choices} />
      <div>
        <a
          href={`/app/settings/audit.csv${auditFilterSearch(filters)}`}
          download
          className={button.secondary}
        >
          {t('auditTrail.downloadCsv')}
        </a>
      </div>
      {refusal ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          {refusalText(t, refusal)}
        </p>
      ) : page && page.items.length > 0 ? (
        <AuditTable items={page.items} format={format} />
      ) : (
        <p className={muted}>{t('auditTrail.empty')}</p>
      )}
      <nav aria-label={t('auditTrail.pages')} className="flex gap-2">
        {paged ? (
          <Link to={`/app/settings/audit${auditFilterSearch(filters)}`} className={button.secondary}>
            {t('auditTrail.newest')}
          </Link>
        ) : null}
        {page?.nextCursor ? (
          <Link
            to={`/app/settings/audit${auditFilterSearch(filters, { cursor: page.nextCursor })}`}
            className={button.secondary}
          >
            {t('auditTrail.older')}
          </Link>
        ) : null}
      </nav>
    </div>
  )
}
