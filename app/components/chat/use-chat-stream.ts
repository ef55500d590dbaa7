// One exchange with `POST /api/chat/:conversationId` at a time: sends the request,
// reads the answer's server-sent events as they arrive, and stops it by aborting the
// fetch (the server then stores the answer as `stopped` with its partial text).
import { useCallback, useEffect, useRef, useState } from 'react'
import type { ChatEvent, ChatRefusal, ChatRequest, ChatStartEvent } from '#server/chat/events.ts'
import { chatUrl } from './api.ts'
import { SseDecoder } from '#server/client/sse.ts'
import { isChatInputProblem, type ChatInputProblem } from '#server/contract/codes.ts'
import { refusalCode, type AnswerErrorCode, type RefusalCode } from './notices.ts'

export type LivePhase = 'sending' | 'streaming' | 'complete' | 'stopped' | 'error'

/** The exchange in flight, or just ended, as this page saw it. */
export interface LiveExchange {
  request: ChatRequest
  /** The new message's text, shown before the server has stored it. Null on regenerate. */
  userText: string | null
  userMessageId: string | null
  assistantMessageId: string | null
  /** On regenerate: the stored answer being replaced, hidden from the list. */
  replacesMessageId: string | null
  text: string
  phase: LivePhase
  errorCode: AnswerErrorCode | null
}

/** The server refused before storing anything (or could not be reached). */
export interface Refusal {
  code: RefusalCode
  /** With `invalid_input`: what was wrong. */
  reason?: ChatInputProblem
  /** When a rate-limited request may be tried again (epoch ms). */
  retryAt: number | null
  request: ChatRequest
}

export type SendOutcome = 'answered' | 'refused' | 'aborted'

export function isActive(live: LiveExchange | null): boolean {
  return live !== null && (live.phase === 'sending' || live.phase === 'streaming')
}

export function useChatStream({
  conversationId,
  onStart,
  onSettled,
}: {
  conversationId: string
  /** The server stored the question: a good moment to follow the conversation's new title. */
  onStart: (event: ChatStartEvent) => void
  /** The answer ended (complete, stopped or failed): stored data is worth reloading. */
  onSettled: () => void
}) {
  const [live, setLive] = useState<LiveExchange | null>(null)
  const [refusal, setRefusalState] = useState<Refusal | null>(null)
  // The latest refusal at once, for the caller that awaits send() (state arrives a render later).
  const lastRefusal = useRef<Refusal | null>(null)
  const setRefusal = useCallback((next: Refusal | null) => {
    lastRefusal.current = next
    setRefusalState(next)
  }, [])
  const controller = useRef<AbortController | null>(null)
  const stoppedByUser = useRef(false)
  const callbacks = useRef({ onStart, onSettled })
  callbacks.current = { onStart, onSettled }

  // Leaving the conversation mid-answer stops it, as the Stop button would.
  useEffect(() => () => controller.current?.abort(), [])

  const send = useCallback(
    async (request: ChatRequest, replacesMessageId: string | null = null): Promise<SendOutcome> => {
      if (controller.current) return 'aborted'
      const abort = new AbortController()
      controller.current = abort
      stoppedByUser.current = false
      setRefusal(null)
      setLive({
        request,
        userText: 'content' in request ? request.content : null,
        userMessageId: null,
        assistantMessageId: null,
        replacesMessageId,
        text: '',
        phase: 'sending',
        errorCode: null,
      })
      try {
        let response: Response
        try {
          response = await fetch(chatUrl(conversationId), {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
            body: JSON.stringify(request),
            signal: abort.signal,
          })
        } catch {
          if (abort.signal.aborted) return 'aborted'
          setLive(null)
          setRefusal({ code: 'network', retryAt: null, request })
          return 'refused'
        }

        const type = response.headers.get('content-type') ?? ''
        if (!response.ok || !type.startsWith('text/event-stream') || !response.body) {
          setLive(null)
          setRefusal(await readRefusal(response, request))
          return 'refused'
        }

        const ending = await readEvents(response.body, ({ start, ...patch }, appended) => {
          setLive((current) => (current ? { ...current, ...patch, text: current.text + appended } : current))
          if (start) callbacks.current.onStart(start)
        })
        if (ending === null) {
          // No `done` or `error`: stopped here, or the connection broke off.
          setLive((current) =>
            current
              ? stoppedByUser.current
                ? { ...current, phase: 'stopped' }
                : { ...current, phase: 'error', errorCode: 'connection_lost' }
              : current,
          )
        }
        callbacks.current.onSettled()
        return 'answered'
      } finally {
        controller.current = null
      }
    },
    [conversationId],
  )

  const stop = useCallback(() => {
    if (!controller.current) return
    stoppedByUser.current = true
    controller.current.abort()
    setLive((current) => (current && isActive(current) ? { ...current, phase: 'stopped' } : current))
  }, [])

  const clearLive = useCallback(() => setLive(null), [])
  const dismissRefusal = useCallback(() => setRefusal(null), [])

  return { live, refusal, lastRefusal, send, stop, clearLive, dismissRefusal }
}

type Patch = Partial<Pick<LiveExchange, 'userMessageId' | 'assistantMessageId' | 'phase' | 'errorCode'>> & {
  start?: ChatStartEvent
}

/**
 * Reads the stream to its end, calling `apply` once per network chunk with what the
 * chunk changed. Returns the phase of the ending event, or null when none came.
 */
async function readEvents(
  body: ReadableStream<Uint8Array>,
  apply: (patch: Patch, appended: string) => void,
): Promise<'complete' | 'error' | 'stopped' | null> {
  const reader = body.getReader()
  const parser = new SseDecoder()
  let ending: 'complete' | 'error' | 'stopped' | null = null
  try {
    for (;;) {
      const { value, done } = await reader.read()
      const frames = done ? parser.end() : parser.push(value)
      let patch: Patch = {}
      let appended = ''
      for (const frame of frames) {
        const event = parseEvent(frame.data)
        if (!event || ending) continue
        if (event.type === 'start') {
          patch = {
            ...patch,
            start: event,
            userMessageId: event.userMessageId,
            assistantMessageId: event.assistantMessageId,
            phase: 'streaming',
          }
        } else if (event.type === 'delta') {
          appended += event.text
        } else if (event.type === 'done') {
          ending = 'complete'
          patch = { ...patch, phase: 'complete' }
        } else if (event.type === 'error') {
          ending = 'error'
          patch = { ...patch, phase: 'error', errorCode: event.code }
        } else if (event.type === 'stopped') {
          // The server stopped it (a restart): kept as far as it got, as a Stop would.
          ending = 'stopped'
          patch = { ...patch, phase: 'stopped' }
        }
      }
      if (appended || Object.keys(patch).length > 0) apply(patch, appended)
      if (done) break
    }
  } catch {
    // Aborted by Stop, or the connection broke: the caller tells which.
  }
  return ending
}

function parseEvent(data: string): ChatEvent | null {
  try {
    const value = JSON.parse(data) as ChatEvent
    return value && typeof value === 'object' && typeof value.type === 'string' ? value : null
  } catch {
    return null
  }
}

async function readRefusal(response: Response, request: ChatRequest): Promise<Refusal> {
  const body = (await response.json().catch(() => null)) as Partial<ChatRefusal> | null
  const error = body?.error
  const header = Number(response.headers.get('retry-after'))
  const retryAfterSeconds =
    error?.retryAfterSeconds ?? (response.status === 429 && header > 0 ? header : undefined)
  return {
    code: refusalCode(error?.code, response.status),
    ...(isChatInputProblem(error?.reason) ? { reason: error.reason } : {}),
    retryAt: retryAfterSeconds ? Date.now() + retryAfterSeconds * 1000 : null,
    request,
  }
}
