// The audit events as a table. Actions, targets and details are codes and ids,
// shown as they are; nothing links to a person's conversations.
import { useTranslation } from 'react-i18next'
import type { Formatters } from '#app/i18n/format.ts'
import { table } from '#app/components/settings/usage-tables.tsx'
import { cx } from '#app/components/ui/styles.ts'

export interface AuditRow {
  id: string
  seq: number
  createdAt: string
  actorUserId: string | null
  actorName: string | null
  action: string
  targetType: string | null
  targetId: string | null
  details: Record<string, string | number | boolean | null> | null
}

export function AuditTable({ items, format }: { items: AuditRow[]; format: Formatters }) {
  const { t } = useTranslation()
  return (
    // Focusable, so a keyboard can scroll the table on a phone.
    <div className={table.wrap} role="region" aria-label={t('auditTrail.heading')} tabIndex={0}>
      <table className={table.table} data-testid="audit-events">
        <caption className="sr-only">{t('auditTrail.heading')}</caption>
        <thead className={table.head}>
          <tr>
            <th scope="col" className={cx(table.th, table.number)}>
              {t('auditTrail.seq')}
            </th>
            <th scope="col" className={table.th}>
              {t('auditTrail.time')}
            </th>
            <th scope="col" className={table.th}>
              {t('auditTrail.actor')}
            </th>
            <th scope="col" className={table.th}>
              {t('auditTrail.action')}
            </th>
            <th scope="col" className={table.th}>
              {t('auditTrail.target')}
            </th>
            <th scope="col" className={table.th}>
              {t('auditTrail.details')}
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.id} data-seq={item.seq}>
              <td className={cx(table.td, table.number)}>{item.seq}</td>
              <td className={cx(table.td, 'whitespace-nowrap')}>
                <time dateTime={item.createdAt}>{format.dateTime(item.createdAt)}</time>
              </td>
              <td className={cx(table.td, 'whitespace-nowrap')}>
                {item.actorName ??
                  (item.actorUserId ? t('auditTrail.unknownPerson') : t('auditTrail.system'))}
              </td>
              <td className={cx(table.td, 'whitespace-nowrap font-mono text-xs')}>{item.action}</td>
              <td className={cx(table.td, 'font-mono text-xs break-all')}>
                {item.targetType ? `${item.targetType}${item.targetId ? ` ${item.targetId}` : ''}` : '—'}
              </td>
              <td className={cx(table.td, 'font-mono text-xs break-all')}>
                {item.details
                  ? Object.entries(item.details)
                      .map(([key, value]) => `${key}=${String(value)}`)
                      .join(', ')
                  : '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
