// The audit chain's state: verified up to event N, or the first event that does not verify.
import { useTranslation } from 'react-i18next'
import { cx } from '#app/components/ui/styles.ts'

export interface Verification {
  total: number
  verifiedUpTo: number
  firstBad: {
    seq: number
    id: string
    problem: 'sequence_gap' | 'predecessor_mismatch' | 'content_mismatch'
  } | null
}

export function AuditVerification({ verification }: { verification: Verification }) {
  const { t } = useTranslation()
  const broken = verification.firstBad
  return (
    <p
      role="status"
      data-testid="audit-verification"
      className={cx(
        'rounded-lg border px-4 py-3 text-sm',
        broken
          ? 'border-red-300 bg-red-50 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100'
          : 'border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-100',
      )}
    >
      {broken
        ? t('auditTrail.broken', {
            seq: broken.seq,
            verified: verification.verifiedUpTo,
            problem: t(`auditTrail.problems.${broken.problem}`),
          })
        : verification.total === 0
          ? t('auditTrail.verifiedEmpty')
          : t('auditTrail.verified', { seq: verification.verifiedUpTo })}
    </p>
  )
}
