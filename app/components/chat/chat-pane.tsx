// The conversation pane: stored messages (paged back on demand), the answer streaming
// in, refusals and failures with a way to try again, and the composer. What the user
// typed is never lost: a refused message goes back into the composer.
import { useRevalidator } from '@remix-run/react'
import { useCallback, useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { ConversationSummary } from '#server/services/conversations/conversations.ts'
import type { MessagePage, MessageView } from '#server/services/messages/messages.ts'
import { ModelViewButton } from '#app/components/pseudonymise/model-view.tsx'
import { fetchEarlierMessages } from './api.ts'
import { Composer } from './composer.tsx'
import type { DisplayMessage } from './message.tsx'
import { MessageList } from './message-list.tsx'
import { answerError, refusalNotice } from './notices.ts'
import { isActive, useChatStream, type LiveExchange, type Refusal } from './use-chat-stream.ts'

export type ConversationView = ConversationSummary & { messages: MessagePage }

/** How often, at most, to reload while the server is still storing a stopped answer. */
const SETTLE_ATTEMPTS = 8
const SETTLE_DELAY_MS = 600

export function ChatPane({
  conversation,
  maxInputChars,
}: {
  conversation: ConversationView
  maxInputChars: number
}) {
  const { t } = useTranslation()
  const revalidator = useRevalidator()
  const revalidate = useRef(revalidator.revalidate)
  revalidate.current = revalidator.revalidate
  const textareaRef = useRef<HTMLTextAreaElement>(null)
  const [draft, setDraft] = useState('')
  const [liveTitle, setLiveTitle] = useState<string | null>(null)
  const [announcement, setAnnouncement] = useState('')
  const [stickToBottom, setStickToBottom] = useState(0)

  const { live, refusal, lastRefusal, send, stop, clearLive, dismissRefusal } = useChatStream({
    conversationId: conversation.id,
    onStart: (event) => {
      // The first exchange names the conversation: the tab follows at once.
      setLiveTitle(event.title)
      document.title = t('meta.conversation', { title: event.title })
    },
    onSettled: () => revalidate.current(),
  })
  const busy = isActive(live)

  const loaderItems = conversation.messages.items
  const history = useEarlierMessages(conversation)

  useEffect(() => setLiveTitle(null), [conversation.title])

  // The live answer gives way to the stored one once the server has stored its ending.
  const settleAttempts = useRef(0)
  useEffect(() => {
    if (!live || isActive(live)) {
      settleAttempts.current = 0
      return
    }
    const stored = loaderItems.find((message) => message.id === live.assistantMessageId)
    if (!live.assistantMessageId || (stored && stored.status !== 'streaming')) {
      clearLive()
      return
    }
    if (revalidator.state !== 'idle' || settleAttempts.current >= SETTLE_ATTEMPTS) return
    const timer = setTimeout(() => {
      settleAttempts.current += 1
      revalidate.current()
    }, SETTLE_DELAY_MS)
    return () => clearTimeout(timer)
  }, [live, loaderItems, revalidator.state, clearLive])

  useAnnouncements(live, setAnnouncement)

  // Esc stops the answer from anywhere on the page, unless something else wants it.
  useEffect(() => {
    if (live?.phase !== 'streaming') return
    const onKeyDown = (event: KeyboardEvent) => {
      // An open menu or dialog takes Escape for itself.
      const layerOpen = document.querySelector('[role="menu"], [role="dialog"], [role="alertdialog"]')
      if (event.key === 'Escape' && !event.defaultPrevented && !layerOpen) {
        event.preventDefault()
        stop()
      }
    }
    window.addEventListener('keydown', onKeyDown)
    return () => window.removeEventListener('keydown', onKeyDown)
  }, [live?.phase, stop])

  // The composer was disabled while the answer streamed, which drops focus: bring it back.
  const wasBusy = useRef(false)
  useEffect(() => {
    if (wasBusy.current && !busy) {
      const active = document.activeElement
      if (!active || active === document.body) textareaRef.current?.focus()
    }
    wasBusy.current = busy
  }, [busy])

  const messages = displayMessages([...history.earlier, ...loaderItems], live)
  const lastStored = messages.at(-1)

  async function sendDraft() {
    const text = draft
    if (busy || !text.trim() || text.length > maxInputChars) return
    setDraft('')
    setStickToBottom((n) => n + 1)
    const outcome = await send({ content: text })
    if (outcome === 'refused') {
      // Refused before anything was stored: the text goes back, unless the user typed anew.
      setDraft((current) => (current === '' ? text : current))
      // A "busy" refusal means the stored messages have moved on (another tab, or a stop
      // still being stored): show them as they are.
      refreshAfterRefusal()
    }
  }

  function refreshAfterRefusal() {
    // Not while the server cannot answer: the reload would fail too, and its error page
    // would take the text in the box with it.
    const code = lastRefusal.current?.code
    if (code === 'database_unavailable' || code === 'network') return
    revalidate.current()
  }

  function regenerate() {
    if (busy) return
    // The newest answer is the one the server replaces; hide it while the new one streams.
    const newest = lastStored?.role === 'assistant' ? lastStored.id : null
    setStickToBottom((n) => n + 1)
    void send({ regenerate: true }, newest).then((outcome) => {
      if (outcome === 'refused') refreshAfterRefusal()
    })
  }

  function retryRefusal(current: Refusal) {
    if ('content' in current.request) void sendDraft()
    else regenerate()
  }

  const title = liveTitle ?? conversation.title
  return (
    <section aria-labelledby="conversation-title" className="flex h-dvh max-h-full min-h-0 w-full flex-col">
      <header className="flex items-center gap-3 border-b border-slate-200 px-3 py-3 dark:border-slate-700 sm:px-6">
        <h1
          id="conversation-title"
          data-testid="conversation-title"
          className="min-w-0 flex-1 truncate text-lg font-semibold"
        >
          {title}
        </h1>
        <ModelViewButton scope={{ conversationId: conversation.id }} />
      </header>
      <MessageList
        messages={messages}
        busy={busy}
        earlier={{
          available: history.cursor !== null,
          loading: history.loading,
          failed: history.failed,
          load: history.load,
        }}
        onRegenerate={regenerate}
        onRefresh={() => revalidate.current()}
        stickToBottom={stickToBottom}
      />
      {refusal ? (
        <RefusalNotice
          key={`${refusal.code}:${refusal.retryAt}`}
          refusal={refusal}
          canRetry={'content' in refusal.request ? draft.trim().length > 0 : true}
          onRetry={() => retryRefusal(refusal)}
          onDismiss={dismissRefusal}
        />
      ) : null}
      <Composer
        value={draft}
        onChange={setDraft}
        onSend={() => void sendDraft()}
        onStop={stop}
        busy={busy}
        canStop={live?.phase === 'streaming'}
        maxChars={maxInputChars}
        textareaRef={textareaRef}
      />
      <p role="status" className="sr-only">
        {announcement}
      </p>
    </section>
  )
}

/** Stored messages with the live exchange laid over them. */
function displayMessages(stored: MessageView[], live: LiveExchange | null): DisplayMessage[] {
  const seen = new Set<string>()
  const items: DisplayMessage[] = []
  for (const message of stored) {
    if (seen.has(message.id) || message.id === live?.replacesMessageId) continue
    seen.add(message.id)
    items.push({
      key: message.id,
      id: message.id,
      role: message.role,
      content: message.content,
      status: message.status,
      errorCode: message.errorCode,
      live: false,
    })
  }
  if (!live) return items
  if (live.userText !== null && !(live.userMessageId && seen.has(live.userMessageId))) {
    items.push({
      key: live.userMessageId ?? 'pending-question',
      id: live.userMessageId,
      role: 'user',
      content: live.userText,
      status: live.userMessageId ? 'complete' : 'pending',
      errorCode: null,
      live: false,
    })
  }
  const answer: DisplayMessage = {
    key: live.assistantMessageId ?? 'pending-answer',
    id: live.assistantMessageId,
    role: 'assistant',
    content: live.text,
    status: live.phase === 'sending' ? 'pending' : live.phase,
    errorCode: live.errorCode,
    live: true,
  }
  const index = items.findIndex((message) => message.id !== null && message.id === live.assistantMessageId)
  if (index >= 0) items[index] = answer
  else items.push(answer)
  return items
}

/**
 * Messages older than the loader's newest page: pages fetched with "Load earlier
 * messages", and messages that slid out of the newest page as the conversation grew.
 */
function useEarlierMessages(conversation: ConversationView) {
  const page = conversation.messages
  const [state, setState] = useState({
    earlier: [] as MessageView[],
    page: page.items,
    cursor: page.hasMore ? page.nextCursor : null,
    loading: false,
    failed: false,
  })
  if (state.page !== page.items) {
    // Adjusting state while rendering, as React recommends for state derived from props.
    const firstId = page.items[0]?.id
    const index = firstId ? state.page.findIndex((message) => message.id === firstId) : -1
    const slidOut = index > 0 ? state.page.slice(0, index) : []
    setState({ ...state, earlier: [...state.earlier, ...slidOut], page: page.items })
  }

  const cursor = state.cursor
  const load = useCallback(async () => {
    if (!cursor) return
    setState((current) => ({ ...current, loading: true, failed: false }))
    try {
      const older = await fetchEarlierMessages(conversation.id, cursor)
      setState((current) => ({
        ...current,
        earlier: [...older.items, ...current.earlier],
        cursor: older.hasMore ? older.nextCursor : null,
        loading: false,
      }))
    } catch {
      setState((current) => ({ ...current, loading: false, failed: true }))
    }
  }, [conversation.id, cursor])

  return {
    earlier: state.earlier,
    cursor,
    loading: state.loading,
    failed: state.failed,
    load: () => void load(),
  }
}

function useAnnouncements(live: LiveExchange | null, announce: (text: string) => void) {
  const { t } = useTranslation()
  const phase = live?.phase
  const errorCode = live?.errorCode ?? null
  useEffect(() => {
    if (phase === 'streaming') announce(t('chat.announceStreaming'))
    else if (phase === 'complete') announce(t('chat.announceComplete'))
    else if (phase === 'stopped') announce(t('chat.announceStopped'))
    else if (phase === 'error') announce(`${answerError(t, errorCode).title}.`)
  }, [phase, errorCode, announce, t])
}

function RefusalNotice({
  refusal,
  canRetry,
  onRetry,
  onDismiss,
}: {
  refusal: Refusal
  canRetry: boolean
  onRetry: () => void
  onDismiss: () => void
}) {
  const { t } = useTranslation()
  const notice = refusalNotice(t, refusal.code, refusal.reason)
  const secondsLeft = useSecondsUntil(refusal.retryAt)
  const [initialWait] = useState(secondsLeft)
  const waiting = secondsLeft > 0
  return (
    <div className="px-3 pt-2 sm:px-6">
      <div
        role="alert"
        data-testid="refusal"
        data-code={refusal.code}
        className="mx-auto flex max-w-3xl flex-wrap items-center gap-x-3 gap-y-2 rounded-lg border border-amber-400 bg-amber-50 px-3 py-2 text-sm text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-50"
      >
        <p className="min-w-0 flex-1">
          <strong>{notice.title}.</strong>{' '}
          {refusal.retryAt === null ? (
            notice.message
          ) : (
            // The wait counts down visibly only, so the alert is not read out again every second.
            <>
              {notice.message}{' '}
              <span aria-hidden="true">
                {waiting ? t('chat.retryIn', { seconds: secondsLeft }) : t('chat.retryNow')}
              </span>
              <span className="sr-only">{t('chat.retryInSeconds', { count: initialWait })}</span>
            </>
          )}
          {'content' in refusal.request && refusal.code !== 'unauthenticated' ? t('chat.stillInBox') : ''}
        </p>
        <div className="flex gap-2">
          {refusal.code === 'unauthenticated' ? (
            <a
              href={`/auth/sign-in?returnTo=${encodeURIComponent(typeof window === 'undefined' ? '/app' : window.location.pathname)}`}
              className="rounded-md bg-amber-800 px-3 py-1 font-semibold text-white hover:bg-amber-900 dark:bg-amber-200 dark:text-amber-950"
            >
              {t('chat.signInAgain')}
            </a>
          ) : (
            <button
              type="button"
              onClick={onRetry}
              disabled={waiting || !canRetry}
              className="rounded-md bg-amber-800 px-3 py-1 font-semibold text-white hover:bg-amber-900 disabled:cursor-not-allowed disabled:opacity-60 dark:bg-amber-200 dark:text-amber-950 dark:hover:bg-amber-100"
            >
              {t('chat.tryAgain')}
            </button>
          )}
          <button
            type="button"
            onClick={onDismiss}
            className="rounded-md px-3 py-1 font-medium text-amber-950 hover:bg-amber-100 dark:text-amber-50 dark:hover:bg-amber-900"
          >
            {t('chat.dismiss')}
          </button>
        </div>
      </div>
    </div>
  )
}

function useSecondsUntil(at: number | null): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (at === null) return
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [at])
  return at === null ? 0 : Math.max(0, Math.ceil((at - now) / 1000))
}
