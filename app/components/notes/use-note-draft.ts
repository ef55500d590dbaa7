// The note page's half of `POST /api/notes/:noteId/draft`: posts, reads the section events as
// they arrive (the script client's SSE decoder) and keeps each section's live text; Stop aborts
// the request, which ends the section being written as `stopped` on the server.
import { useCallback, useEffect, useRef, useState } from 'react'
import { SseDecoder } from '#server/client/sse.ts'
import type { DraftRefusalCode } from '#server/contract/codes.ts'
import type { DraftEvent, DraftRefusal } from '#server/notes/events.ts'

export interface LiveSection {
  text: string
  phase: 'streaming' | 'complete' | 'stopped' | 'error'
  errorCode: string | null
}

export function useNoteDraft(noteId: string, onSettled: () => void) {
  const [live, setLive] = useState<Record<string, LiveSection>>({})
  const [running, setRunning] = useState(false)
  const [refusal, setRefusal] = useState<DraftRefusalCode | 'network' | null>(null)
  const controller = useRef<AbortController | null>(null)
  const current = useRef<string | null>(null)
  const settled = useRef(onSettled)
  settled.current = onSettled
  useEffect(() => () => controller.current?.abort(), [])

  const draft = useCallback(
    async (sectionId?: string) => {
      if (controller.current) return
      const abort = new AbortController()
      controller.current = abort
      setRunning(true)
      setRefusal(null)
      try {
        const response = await fetch(`/api/notes/${encodeURIComponent(noteId)}/draft`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
          body: JSON.stringify(sectionId ? { sectionId } : {}),
          signal: abort.signal,
        })
        const type = response.headers.get('content-type') ?? ''
        if (!response.ok || !type.startsWith('text/event-stream') || !response.body) {
          const body = (await response.json().catch(() => null)) as DraftRefusal | null
          setRefusal(body?.error.code ?? 'network')
          return
        }
        const reader = response.body.getReader()
        const decoder = new SseDecoder()
        const apply = (event: DraftEvent) => {
          if (event.type === 'section_start') {
            current.current = event.sectionId
            setLive((all) => ({
              ...all,
              [event.sectionId]: { text: '', phase: 'streaming', errorCode: null },
            }))
          } else if (event.type === 'delta') {
            setLive((all) => {
              const was = all[event.sectionId] ?? { text: '', phase: 'streaming', errorCode: null }
              return { ...all, [event.sectionId]: { ...was, text: was.text + event.text } }
            })
          } else if (event.type === 'section_done' || event.type === 'section_error') {
            current.current = null
            setLive((all) => ({
              ...all,
              [event.sectionId]: {
                text: all[event.sectionId]?.text ?? '',
                phase: event.type === 'section_done' ? 'complete' : 'error',
                errorCode: event.type === 'section_error' ? event.code : null,
              },
            }))
          }
        }
        for (;;) {
          const { done, value } = await reader.read()
          const messages = done ? decoder.end() : decoder.push(value)
          for (const message of messages) apply(JSON.parse(message.data) as DraftEvent)
          if (done) break
        }
      } catch {
        if (!abort.signal.aborted) setRefusal('network')
      } finally {
        const stopped = current.current
        if (stopped && abort.signal.aborted) {
          setLive((all) => ({ ...all, [stopped]: { ...all[stopped]!, phase: 'stopped' } }))
        }
        current.current = null
        controller.current = null
        setRunning(false)
        settled.current()
      }
    },
    [noteId],
  )

  const stop = useCallback(() => controller.current?.abort(), [])
  return { live, running, refusal, draft, stop, clearLive: () => setLive({}) }
}
