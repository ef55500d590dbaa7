// "Copy" with visible and announced feedback; the clipboard may refuse (no permission, no HTTPS).
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'

type CopyState = 'idle' | 'copied' | 'failed'

export function CopyButton({
  text,
  what,
  className,
}: {
  text: () => string
  what: string
  className?: string
}) {
  const { t } = useTranslation()
  const [state, setState] = useState<CopyState>('idle')
  useEffect(() => {
    if (state === 'idle') return
    const timer = setTimeout(() => setState('idle'), 2000)
    return () => clearTimeout(timer)
  }, [state])

  async function copy() {
    try {
      await navigator.clipboard.writeText(text())
      setState('copied')
    } catch {
      setState('failed')
    }
  }

  return (
    <>
      <button type="button" onClick={() => void copy()} className={className ?? actionButton}>
        {state === 'copied' ? t('chat.copied') : state === 'failed' ? t('chat.copyFailed') : t('chat.copy')}
        {state === 'idle' ? <span className="sr-only"> {what}</span> : null}
      </button>
      <span className="sr-only" aria-live="polite">
        {state === 'copied'
          ? t('chat.copiedAnnounce', { what })
          : state === 'failed'
            ? t('chat.copyFailedAnnounce')
            : ''}
      </span>
    </>
  )
}

/** The small text buttons under a message. */
export const actionButton =
  'rounded-md px-2 py-1 text-sm font-medium text-slate-700 hover:bg-slate-100 hover:text-slate-900 ' +
  'dark:text-slate-300 dark:hover:bg-slate-800 dark:hover:text-white disabled:cursor-not-allowed disabled:opacity-60'
