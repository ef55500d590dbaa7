// Where the user writes: Enter sends, Shift+Enter adds a line, and while an answer
// streams the Send button becomes Stop (Esc works too).
import { useEffect, useId, type RefObject } from 'react'
import { useTranslation } from 'react-i18next'
import { useFormat } from '#app/i18n/format.ts'

const MAX_HEIGHT_PX = 192

/** The message box's id: the workspace's skip link leads here (app/components/workspace/skip-link.tsx). */
export const MESSAGE_BOX_ID = 'message-box'

export function Composer({
  value,
  onChange,
  onSend,
  onStop,
  busy,
  canStop,
  maxChars,
  textareaRef,
}: {
  value: string
  onChange: (value: string) => void
  onSend: () => void
  onStop: () => void
  /** An answer is on its way: no new message until it ends. */
  busy: boolean
  /** The server has started the answer, so stopping keeps what arrived. */
  canStop: boolean
  maxChars: number
  textareaRef: RefObject<HTMLTextAreaElement>
}) {
  const { t } = useTranslation()
  const format = useFormat()
  const id = useId()
  const tooLong = value.length > maxChars
  const nearLimit = value.length > maxChars * 0.9
  const canSend = !busy && value.trim().length > 0 && !tooLong

  // Grows with the text up to a limit, then scrolls inside.
  useEffect(() => {
    const textarea = textareaRef.current
    if (!textarea) return
    textarea.style.height = 'auto'
    textarea.style.height = `${Math.min(textarea.scrollHeight, MAX_HEIGHT_PX)}px`
  }, [value, textareaRef])

  return (
    <form
      className="border-t border-slate-200 bg-slate-50 px-3 pb-3 pt-2 dark:border-slate-700 dark:bg-slate-950 sm:px-6"
      onSubmit={(event) => {
        event.preventDefault()
        if (canSend) onSend()
      }}
    >
      <div className="mx-auto max-w-3xl">
        <label
          htmlFor={MESSAGE_BOX_ID}
          className="mb-1 block text-sm font-medium text-slate-800 dark:text-slate-200"
        >
          {t('chat.composerLabel')}
        </label>
        <div className="flex items-end gap-2">
          <textarea
            ref={textareaRef}
            id={MESSAGE_BOX_ID}
            name="message"
            rows={2}
            value={value}
            disabled={busy}
            aria-describedby={`${id}-hint`}
            aria-invalid={tooLong || undefined}
            placeholder={t('chat.placeholder')}
            onChange={(event) => onChange(event.target.value)}
            onKeyDown={(event) => {
              if (event.key !== 'Enter' || event.shiftKey || event.nativeEvent.isComposing) return
              event.preventDefault()
              if (canSend) onSend()
            }}
            className="min-h-[2.75rem] flex-1 resize-none rounded-lg border border-slate-400 bg-white px-3 py-2 text-base text-slate-900 placeholder:text-slate-600 disabled:cursor-not-allowed disabled:bg-slate-100 dark:border-slate-500 dark:bg-slate-900 dark:text-slate-100 dark:placeholder:text-slate-400 dark:disabled:bg-slate-800"
          />
          {busy ? (
            <button
              type="button"
              onClick={onStop}
              disabled={!canStop}
              aria-keyshortcuts="Escape"
              className="min-w-[5.5rem] rounded-lg border border-slate-400 bg-white px-4 py-2.5 font-semibold text-slate-900 hover:bg-slate-100 disabled:opacity-60 dark:border-slate-500 dark:bg-slate-800 dark:text-slate-100 dark:hover:bg-slate-700"
            >
              {t('chat.stop')}
            </button>
          ) : (
            <button
              type="submit"
              disabled={!canSend}
              className="min-w-[5.5rem] rounded-lg bg-blue-700 px-4 py-2.5 font-semibold text-white hover:bg-blue-800 disabled:cursor-not-allowed disabled:bg-slate-300 disabled:text-slate-700 dark:bg-blue-300 dark:text-slate-950 dark:hover:bg-blue-200 dark:disabled:bg-slate-700 dark:disabled:text-slate-300"
            >
              {t('chat.send')}
            </button>
          )}
        </div>
        <div className="mt-1 flex justify-between gap-2 text-xs text-slate-700 dark:text-slate-300">
          <p id={`${id}-hint`}>
            {busy ? t('chat.hintBusy') : t('chat.hintIdle')}
            {tooLong ? t('chat.tooLong', { max: format.number(maxChars) }) : ''}
          </p>
          {nearLimit ? (
            <p className={tooLong ? 'font-semibold text-red-800 dark:text-red-200' : ''}>
              {t('chat.counter', { length: format.number(value.length), max: format.number(maxChars) })}
            </p>
          ) : null}
        </div>
      </div>
    </form>
  )
}
