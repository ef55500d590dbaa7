// What a signature covers, and the note as plain text and Markdown. Pure functions: the
// pages (copy), the exports and the services use the same ones.
import { createHash } from 'node:crypto'

export interface CanonicalNote {
  patientRef: string
  sessionDate: string
  sessionKind: string
  durationMinutes: number
  templateName: string
  sections: Array<{ key: string; title: string; content: string }>
}

/**
 * The signed content as one deterministic string: fixed key order, sections in their
 * order, text as stored (no trimming, so a changed space changes the hash).
 */
export function canonicalContent(note: CanonicalNote): string {
  return JSON.stringify({
    v: 1,
    patientRef: note.patientRef,
    sessionDate: note.sessionDate,
    sessionKind: note.sessionKind,
    durationMinutes: note.durationMinutes,
    template: note.templateName,
    sections: note.sections.map((section) => ({
      key: section.key,
      title: section.title,
      content: section.content,
    })),
  })
}

/** sha256, hex, of a text. */
export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

/** sha256, hex, of the canonical content. */
export function contentHash(note: CanonicalNote): string {
  return sha256(canonicalContent(note))
}
