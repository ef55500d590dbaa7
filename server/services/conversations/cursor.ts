// Opaque keyset cursors. A cursor carries the exact sort key of the last row a
// page showed, with timestamps as integer microseconds: a JavaScript Date has
// only milliseconds, and two rows a few microseconds apart would otherwise
// repeat or vanish at a page boundary.
import { sql, type SQL } from 'drizzle-orm'
import type { AnyPgColumn } from 'drizzle-orm/pg-core'

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const micros = /^[0-9]{1,17}$/

/** A cursor's parts, each a pattern; a cursor that does not match them all is refused. */
export const cursorShapes = {
  conversations: [micros, uuid],
  messages: [micros, /^(user|assistant)$/, uuid],
} as const

export type CursorKind = keyof typeof cursorShapes

/** Longest encoded cursor of any kind; input schemas bound cursors by it. */
export const MAX_CURSOR_LENGTH = 120

export function encodeCursor(kind: CursorKind, parts: string[]): string {
  return Buffer.from(`${kind}|${parts.join('|')}`, 'utf8').toString('base64url')
}

/** The parts, or null when the string is not a cursor of this kind (validation calls this too). */
export function decodeCursor(kind: CursorKind, cursor: string): string[] | null {
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null
  const [prefix, ...parts] = Buffer.from(cursor, 'base64url').toString('utf8').split('|')
  const shape = cursorShapes[kind]
  if (prefix !== kind || parts.length !== shape.length) return null
  return parts.every((part, index) => shape[index]!.test(part)) ? parts : null
}

/** A timestamptz column as integer microseconds since the epoch, exactly, as text. */
export function epochMicros(column: AnyPgColumn): SQL<string> {
  return sql<string>`((extract(epoch from ${column}) * 1000000)::bigint)::text`
}

/** The timestamptz for integer microseconds since the epoch. */
export function fromEpochMicros(value: string): SQL {
  return sql`(timestamptz 'epoch' + ${value}::bigint * interval '1 microsecond')`
}
