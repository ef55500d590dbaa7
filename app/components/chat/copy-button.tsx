// "Copy" with visible and announced feedback; the clipboard may refuse (no permission, no HTTPS).
// With `markdown`, Copy puts plain text on the clipboard and a small menu beside it offers the
// Markdown as written: text pasted into a letter or a record should carry no asterisks.
import * as DropdownMenu from '@radix-ui/react-dropdown-menu'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ChevronDownIcon } from '#app/components/ui/icons.tsx'
import { cx, menu } from '#app/components/ui/styles.ts'

type CopyState = 'idle' | 'copied' | 'failed'

export function CopyButton({
  text,
  markdown,
  what,
  className,
}: {
  text: () => string
  /** The Markdown source, offered as a second choice. */
  markdown?: () => string
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

  async function copy(value: string) {
    try {
      await navigator.clipboard.writeText(value)
      setState('copied')
    } catch {
      setState('failed')
    }
  }

  return (
    <>
      <button type="button" onClick={() => void copy(text())} className={className ?? actionButton}>
        {state === 'copied' ? t('chat.copied') : state === 'failed' ? t('chat.copyFailed') : t('chat.copy')}
        {state === 'idle' ? <span className="sr-only"> {what}</span> : null}
      </button>
      {markdown ? (
        <DropdownMenu.Root modal={false}>
          <DropdownMenu.Trigger
            className={cx(actionButton, '-ml-1 px-1')}
            aria-label={t('chat.copyChoices', { what })}
          >
            <ChevronDownIcon className="h-4 w-4" />
          </DropdownMenu.Trigger>
          <DropdownMenu.Portal>
            <DropdownMenu.Content align="start" sideOffset={4} className={menu.content}>
              <DropdownMenu.Item className={menu.item} onSelect={() => void copy(text())}>
                {t('chat.copyPlain')}
              </DropdownMenu.Item>
              <DropdownMenu.Item className={menu.item} onSelect={() => void copy(markdown())}>
                {t('chat.copyMarkdown')}
              </DropdownMenu.Item>
            </DropdownMenu.Content>
          </DropdownMenu.Portal>
        </DropdownMenu.Root>
      ) : null}
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
