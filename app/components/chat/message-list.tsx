// The scrolling list of messages. It follows the bottom while an answer grows only
// when the reader is already there, and keeps the view still when earlier messages
// are loaded above.
import { useEffect, useLayoutEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Message, type DisplayMessage } from './message.tsx'

// useLayoutEffect warns during server rendering; nothing scrolls there anyway.
const useBrowserLayoutEffect = typeof window === 'undefined' ? useEffect : useLayoutEffect

/** How close to the bottom (px) still counts as "at the bottom". */
const BOTTOM_SLACK = 48

export function MessageList({
  messages,
  busy,
  earlier,
  onRegenerate,
  onRefresh,
  stickToBottom,
}: {
  messages: DisplayMessage[]
  busy: boolean
  earlier: { available: boolean; loading: boolean; failed: boolean; load: () => void }
  onRegenerate: () => void
  onRefresh: () => void
  /** Changes when the user sends: scroll to the bottom whatever the position. */
  stickToBottom: number
}) {
  const { t } = useTranslation()
  const scroller = useRef<HTMLDivElement>(null)
  const keepFromBottom = useRef<number | null>(null)
  const firstKey = useRef(messages[0]?.key)
  // The content height after the last update: whether the reader was at the bottom is
  // judged against it, so a scroll event that has not been dispatched yet cannot mislead.
  const lastHeight = useRef(0)
  const [awayFromBottom, setAwayFromBottom] = useState(false)
  const away = useRef(false)

  function onScroll() {
    const element = scroller.current
    if (!element) return
    away.current = element.scrollHeight - element.scrollTop - element.clientHeight > BOTTOM_SLACK
    setAwayFromBottom(away.current)
  }

  // A smaller pane (a phone's keyboard opening, a rotation) keeps a reader at the bottom there.
  useEffect(() => {
    const element = scroller.current
    if (!element || typeof ResizeObserver === 'undefined') return
    const observer = new ResizeObserver(() => {
      if (!away.current) element.scrollTop = element.scrollHeight
    })
    observer.observe(element)
    return () => observer.disconnect()
  }, [])

  function jumpToLatest() {
    const element = scroller.current
    if (!element) return
    element.scrollTop = element.scrollHeight
    lastHeight.current = element.scrollHeight
  }

  useBrowserLayoutEffect(() => {
    const element = scroller.current
    if (!element) return
    const wasAtBottom = element.scrollTop + element.clientHeight >= lastHeight.current - BOTTOM_SLACK
    const prepended = messages[0]?.key !== firstKey.current
    firstKey.current = messages[0]?.key
    if (prepended && keepFromBottom.current !== null) {
      // Earlier messages arrived above: the same content stays in view.
      element.scrollTop = element.scrollHeight - keepFromBottom.current
      keepFromBottom.current = null
    } else if (wasAtBottom) {
      element.scrollTop = element.scrollHeight
    }
    lastHeight.current = element.scrollHeight
  }, [messages])

  useBrowserLayoutEffect(() => {
    const element = scroller.current
    if (!element) return
    element.scrollTop = element.scrollHeight
    lastHeight.current = element.scrollHeight
  }, [stickToBottom])

  function loadEarlier() {
    const element = scroller.current
    if (element) keepFromBottom.current = element.scrollHeight - element.scrollTop
    earlier.load()
  }

  const last = messages.at(-1)
  return (
    <div className="relative flex min-h-0 flex-1 flex-col">
      <div
        ref={scroller}
        onScroll={onScroll}
        data-testid="message-list"
        // Focusable, so the history scrolls with the keyboard too.
        tabIndex={0}
        role="region"
        aria-label={t('chat.messages')}
        className="min-h-0 flex-1 overflow-y-auto overscroll-contain px-3 py-4 [overflow-anchor:none] sm:px-6"
      >
        <div className="mx-auto flex max-w-3xl flex-col gap-3">
          {earlier.available ? (
            <div className="flex flex-col items-center gap-1">
              <button
                type="button"
                onClick={loadEarlier}
                disabled={earlier.loading}
                className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50 disabled:opacity-60 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100 dark:hover:bg-slate-800"
              >
                {earlier.loading ? t('chat.loadingEarlier') : t('chat.loadEarlier')}
              </button>
              {earlier.failed ? (
                <p role="alert" className="text-sm text-red-800 dark:text-red-200">
                  {t('chat.earlierFailed')}
                </p>
              ) : null}
            </div>
          ) : null}
          {messages.length === 0 ? (
            <p className="py-12 text-center text-slate-700 dark:text-slate-300">
              {t('chat.emptyIntro')}
              <br />
              {t('chat.emptyNote')}
            </p>
          ) : null}
          {messages.map((message) => {
            const isLastAnswer =
              message === last && message.role === 'assistant' && message.id !== null && !busy
            return (
              <Message
                key={message.key}
                message={message}
                canRegenerate={
                  isLastAnswer && (message.status === 'complete' || message.status === 'stopped')
                }
                canRetry={isLastAnswer && message.status === 'error'}
                onRegenerate={onRegenerate}
                onRefresh={onRefresh}
              />
            )
          })}
        </div>
      </div>
      {awayFromBottom && messages.length > 0 ? (
        <button
          type="button"
          onClick={jumpToLatest}
          className="absolute bottom-3 left-1/2 -translate-x-1/2 rounded-full border border-slate-300 bg-white px-4 py-1.5 text-sm font-medium text-slate-900 shadow-md hover:bg-slate-50 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100 dark:hover:bg-slate-700"
        >
          {busy ? t('chat.jumpToAnswer') : t('chat.jumpToLatest')}
        </button>
      ) : null}
    </div>
  )
}
