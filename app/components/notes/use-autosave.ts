// Autosave for one section: every change is kept in this tab's sessionStorage at once (so a
// reload or a dropped connection loses nothing), and saved with `notes.updateSection` shortly
// after typing stops; a failed save is retried when the browser is online again.
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client'
import { useCallback, useEffect, useRef, useState } from 'react'
import type { AppRouter } from '#server/trpc/root.ts'

const api = createTRPCClient<AppRouter>({ links: [httpLink({ url: '/api/trpc' })] })
const SAVE_AFTER_MS = 700
const RETRY_EVERY_MS = 5_000

export type SaveState =
  { kind: 'saved' } | { kind: 'saving' } | { kind: 'pending' } | { kind: 'failed'; code: string }

const storageKey = (sectionId: string) => `clinai.note-section.${sectionId}`

interface Pending {
  content: string
  baseVersion: number
}

function readPending(sectionId: string): Pending | null {
  try {
    const raw = sessionStorage.getItem(storageKey(sectionId))
    return raw ? (JSON.parse(raw) as Pending) : null
  } catch {
    return null
  }
}

export function useAutosave(section: { id: string; content: string; version: number }, enabled: boolean) {
  const [value, setValue] = useState(section.content)
  const [state, setState] = useState<SaveState>({ kind: 'saved' })
  const version = useRef(section.version)
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  const latest = useRef(section.content)

  const save = useCallback(async () => {
    clearTimeout(timer.current)
    const pending = readPending(section.id)
    if (!pending) return
    setState({ kind: 'saving' })
    try {
      const saved = await api.notes.updateSection.mutate({
        sectionId: section.id,
        content: pending.content,
        baseVersion: pending.baseVersion,
      })
      version.current = saved.version
      if (latest.current === pending.content) {
        sessionStorage.removeItem(storageKey(section.id))
        setState({ kind: 'saved' })
      } else {
        sessionStorage.setItem(
          storageKey(section.id),
          JSON.stringify({ content: latest.current, baseVersion: saved.version }),
        )
        timer.current = setTimeout(() => void save(), SAVE_AFTER_MS)
      }
    } catch (error) {
      if (error instanceof TRPCClientError && typeof error.message === 'string' && error.data) {
        setState({ kind: 'failed', code: error.message })
      } else {
        setState({ kind: 'pending' })
        timer.current = setTimeout(() => void save(), RETRY_EVERY_MS)
      }
    }
  }, [section.id])

  // The server's text when it changes underneath (a regeneration); a pending edit of this tab wins.
  useEffect(() => {
    const pending = readPending(section.id)
    if (pending && pending.baseVersion === section.version && enabled) {
      latest.current = pending.content
      setValue(pending.content)
      setState({ kind: 'pending' })
      void save()
      return
    }
    if (pending) sessionStorage.removeItem(storageKey(section.id))
    version.current = section.version
    latest.current = section.content
    setValue(section.content)
    setState({ kind: 'saved' })
  }, [section.id, section.content, section.version, enabled, save])

  useEffect(() => {
    const online = () => void save()
    window.addEventListener('online', online)
    return () => {
      window.removeEventListener('online', online)
      clearTimeout(timer.current)
    }
  }, [save])

  const change = (content: string) => {
    latest.current = content
    setValue(content)
    const pending = readPending(section.id)
    sessionStorage.setItem(
      storageKey(section.id),
      JSON.stringify({ content, baseVersion: pending?.baseVersion ?? version.current }),
    )
    setState({ kind: 'pending' })
    clearTimeout(timer.current)
    timer.current = setTimeout(() => void save(), SAVE_AFTER_MS)
  }
  return { value, change, state, flush: save }
}
