// ClinAI's mark (a speech bubble with a cross: conversation in care), the same drawing as
// public/logo.svg and public/favicon.svg, inline so it needs no request and takes no colour
// from the theme. With `wordmark` the name follows it.
import { cx } from './styles.ts'

export function Logo({
  className,
  wordmark = false,
  small = false,
}: {
  className?: string
  wordmark?: boolean
  small?: boolean
}) {
  return (
    <span className={cx('inline-flex items-center gap-2.5', className)}>
      <svg
        viewBox="0 0 32 32"
        className={cx('shrink-0', small ? 'h-7 w-7' : 'h-9 w-9')}
        role={wordmark ? undefined : 'img'}
        aria-hidden={wordmark || undefined}
        aria-label={wordmark ? undefined : 'ClinAI'}
      >
        <rect width="32" height="32" rx="8" fill="#1d4ed8" />
        <path
          d="M8 9.5A3.5 3.5 0 0 1 11.5 6h9A3.5 3.5 0 0 1 24 9.5v8a3.5 3.5 0 0 1-3.5 3.5H15l-5 4.5V21a3.5 3.5 0 0 1-2-3.2z"
          fill="#fff"
        />
        <path d="M14.6 9.5h2.8v3h3v2.8h-3v3h-2.8v-3h-3v-2.8h3z" fill="#1d4ed8" />
      </svg>
      {wordmark ? (
        <span className={cx('font-semibold tracking-tight', small ? 'text-lg' : 'text-xl')}>ClinAI</span>
      ) : null}
    </span>
  )
}
