// The audit trail's hash chain. Each clinic's events are numbered 1, 2, 3… and each
// stores the hash of its predecessor and the sha256 of its own canonical JSON (sorted
// keys, no whitespace, times as ISO-8601 UTC with milliseconds), which includes both
// its number and that predecessor hash. Changing, inserting or removing an event in
// the middle therefore breaks every hash from it on. Migration 0010 builds the same
// canonical JSON in SQL for the events recorded before the chain existed.
import { createHash } from 'node:crypto'

/** The predecessor hash of a clinic's first event. */
export const GENESIS_HASH = '0'.repeat(64)

/** What an event's hash covers: everything it says, its place and its predecessor. */
export interface ChainedContent {
  tenantId: string
  id: string
  seq: number
  prevHash: string
  actorUserId: string | null
  action: string
  targetType: string | null
  targetId: string | null
  requestId: string | null
  details: unknown
  /** ISO-8601 in UTC with milliseconds: `2026-03-01T09:15:00.000Z`. */
  createdAt: string
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/** JSON with object keys sorted and no whitespace: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (typeof value === 'object') {
    const record = value as Record<string, Json>
    const keys = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort()
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('not a finite number')
  return JSON.stringify(value)
}

export function eventHash(content: ChainedContent): string {
  const { tenantId, id, seq, prevHash, actorUserId, action, targetType, targetId, requestId } = content
  const canonical = canonicalJson({
    action,
    actorUserId,
    createdAt: content.createdAt,
    details: content.details ?? null,
    id,
    prevHash,
    requestId,
    seq,
    targetId,
    targetType,
    tenantId,
  })
  return createHash('sha256').update(canonical, 'utf8').digest('hex')
}

export type ChainCheck =
  { ok: true } | { ok: false; problem: 'sequence_gap' | 'predecessor_mismatch' | 'content_mismatch' }

/** Checks one event against the one before it (null for the first). */
export function checkLink(
  event: ChainedContent & { hash: string },
  previous: { seq: number; hash: string } | null,
): ChainCheck {
  const expectedSeq = previous ? previous.seq + 1 : 1
  if (event.seq !== expectedSeq) return { ok: false, problem: 'sequence_gap' }
  if (event.prevHash !== (previous?.hash ?? GENESIS_HASH))
    return { ok: false, problem: 'predecessor_mismatch' }
  if (eventHash(event) !== event.hash) return { ok: false, problem: 'content_mismatch' }
  return { ok: true }
}
