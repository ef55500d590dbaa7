// One message: the user's as plain text, the assistant's as safe Markdown, with its
// state (writing, stopped, failed) and actions (copy, regenerate, try again).
import { useTranslation } from 'react-i18next'
import { cx } from '#app/components/ui/styles.ts'
import { toPlainText } from '#server/contract/note-text.ts'
import { CopyButton, actionButton } from './copy-button.tsx'
import { MarkdownText } from './markdown.tsx'
import { answerError } from './notices.ts'

export interface DisplayMessage {
  /** Stable across the switch from the live answer to the stored one. */
  key: string
  /** Null until the server has stored it. */
  id: string | null
  role: 'user' | 'assistant'
  content: string
  /** `pending`: sent, not yet stored. */
  status: 'pending' | 'streaming' | 'complete' | 'stopped' | 'error'
  errorCode: string | null
  /** The answer streaming in on this page (an aria-live region). */
  live: boolean
}

export function Message({
  message,
  canRegenerate,
  canRetry,
  onRegenerate,
  onRefresh,
}: {
  message: DisplayMessage
  /** The last answer, nothing streaming: offer "Regenerate". */
  canRegenerate: boolean
  /** The last answer failed, nothing streaming: offer "Try again". */
  canRetry: boolean
  onRegenerate: () => void
  onRefresh: () => void
}) {
  const { t } = useTranslation()
  const { role, content, status } = message
  const writing = status === 'pending' || status === 'streaming'
  if (role === 'user') {
    return (
      <article
        data-testid="message"
        data-role="user"
        data-status={status}
        className="flex flex-col items-end"
        aria-label={t('chat.yourMessage')}
      >
        <div
          data-testid="message-text"
          className="max-w-[85%] whitespace-pre-wrap break-words rounded-2xl rounded-br-md bg-blue-700 px-4 py-2 text-white dark:bg-blue-800"
        >
          {content}
        </div>
        <div className="mt-1 flex min-h-8 items-center gap-1">
          {status === 'pending' ? (
            <span className="px-2 text-sm text-slate-600 dark:text-slate-300">{t('chat.sending')}</span>
          ) : (
            <CopyButton text={() => content} what={t('chat.copyWhat.message')} />
          )}
        </div>
      </article>
    )
  }

  const failure = status === 'error' ? answerError(t, message.errorCode) : null
  // Kept in the tree while live (it is the aria-live region), shown only when it has something to show.
  const hasText = content.length > 0 || writing || status === 'complete'
  const below = hasText ? 'mt-2' : ''
  return (
    <article
      data-testid="message"
      data-role="assistant"
      data-status={status}
      data-live={message.live || undefined}
      className="flex flex-col items-start"
      aria-label={t('chat.answer')}
    >
      <div className="w-full max-w-[95%] rounded-2xl rounded-bl-md border border-slate-200 bg-white px-4 py-3 text-slate-900 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100">
        {/* An answer that ended before any text (a content filter, an error) shows its notice alone. */}
        <div
          className={cx('break-words', hasText ? 'min-h-6' : 'hidden')}
          aria-live={message.live ? 'polite' : undefined}
        >
          <div data-testid="message-text">{content ? <MarkdownText text={content} /> : null}</div>
          {!content && writing ? (
            <span className="inline-flex items-center gap-1 py-2">
              <span className="sr-only">{t('chat.writing')}</span>
              <span
                aria-hidden="true"
                className="h-2 w-2 animate-pulse rounded-full motion-reduce:animate-none bg-slate-500 dark:bg-slate-400"
              />
              <span
                aria-hidden="true"
                className="h-2 w-2 animate-pulse rounded-full motion-reduce:animate-none bg-slate-500 [animation-delay:150ms] dark:bg-slate-400"
              />
              <span
                aria-hidden="true"
                className="h-2 w-2 animate-pulse rounded-full motion-reduce:animate-none bg-slate-500 [animation-delay:300ms] dark:bg-slate-400"
              />
            </span>
          ) : null}
          {!content && status === 'complete' ? (
            <span className="italic text-slate-600 dark:text-slate-300">{t('chat.emptyAnswer')}</span>
          ) : null}
        </div>
        {status === 'stopped' ? (
          <p
            data-testid="message-state"
            className={cx(below, 'flex items-center gap-2 text-sm text-slate-700 dark:text-slate-300')}
          >
            <span className="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-semibold uppercase tracking-wide text-amber-900 dark:bg-amber-900 dark:text-amber-100">
              {t('chat.stopped')}
            </span>
            {content ? t('chat.stoppedPartial') : t('chat.stoppedBefore')}
          </p>
        ) : null}
        {failure ? (
          <div
            data-testid="message-state"
            className={cx(
              below,
              'flex flex-wrap items-center gap-x-3 gap-y-2 rounded-lg border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100',
            )}
          >
            <p>
              <strong>{failure.title}.</strong> {failure.message}
            </p>
            {canRetry ? (
              <button
                type="button"
                onClick={onRegenerate}
                className="rounded-md bg-red-700 px-3 py-1 font-semibold text-white hover:bg-red-800 dark:bg-red-200 dark:text-red-950 dark:hover:bg-red-100"
              >
                {t('chat.tryAgain')}
              </button>
            ) : null}
          </div>
        ) : null}
        {status === 'streaming' && !message.live ? (
          <p data-testid="message-state" className="mt-2 text-sm text-slate-700 dark:text-slate-300">
            {t('chat.stillWriting')}{' '}
            <button type="button" onClick={onRefresh} className={actionButton}>
              {t('chat.refresh')}
            </button>
          </p>
        ) : null}
      </div>
      {/* Always rendered, hidden while writing, so nothing below moves when the answer ends. */}
      <div className={`mt-1 flex min-h-8 items-center gap-1 ${writing ? 'invisible' : ''}`}>
        {content && !writing ? (
          <CopyButton
            text={() => toPlainText(content)}
            markdown={() => content}
            what={t('chat.copyWhat.answer')}
          />
        ) : null}
        {canRegenerate ? (
          <button type="button" onClick={onRegenerate} className={actionButton}>
            {t('chat.regenerate')}
          </button>
        ) : null}
      </div>
    </article>
  )
}
