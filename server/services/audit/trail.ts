// Reading a clinic's audit trail: newest first, paged by the chain's sequence number,
// filtered by actor, action and date range (days in the clinics' time zone), and the
// chain's verification. Identifiers and codes only; targets are ids, never links.
import { and, asc, desc, eq, gt, lt, sql, type SQL } from 'drizzle-orm'
import type { Tx } from '#db/client.ts'
import { auditEvents, users } from '#db/schema/index.ts'
import { checkLink, type ChainCheck } from './chain.ts'
import type { ClinicCaller } from '#server/services/caller.ts'

/** The clinics' days start and end in this zone. */
const CLINIC_TIME_ZONE = 'Europe/Berlin'

export interface AuditFilters {
  actor?: string | null
  action?: string | null
  /** `YYYY-MM-DD`, inclusive, in the clinics' time zone. */
  from?: string | null
  to?: string | null
}

export interface AuditEntry {
  id: string
  seq: number
  createdAt: string
  actorUserId: string | null
  /** The actor's name in this clinic, or null (the system, or a person no longer there). */
  actorName: string | null
  action: string
  targetType: string | null
  targetId: string | null
  requestId: string | null
  details: Record<string, string | number | boolean | null> | null
}

export interface AuditPage {
  items: AuditEntry[]
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null
}

function conditions(tenantId: string, filters: AuditFilters): SQL[] {
  const where: SQL[] = [eq(auditEvents.tenantId, tenantId)]
  if (filters.actor) where.push(eq(auditEvents.actorUserId, filters.actor))
  if (filters.action) where.push(eq(auditEvents.action, filters.action))
  if (filters.from) {
    where.push(
      sql`${auditEvents.createdAt} >= (${filters.from}::date)::timestamp at time zone ${CLINIC_TIME_ZONE}`,
    )
  }
  if (filters.to) {
    where.push(
      sql`${auditEvents.createdAt} < (${filters.to}::date + 1)::timestamp at time zone ${CLINIC_TIME_ZONE}`,
    )
  }
  return where
}

async function entries(tx: Tx, where: SQL[], limit: number): Promise<AuditEntry[]> {
  const rows = await tx
    .select({
      id: auditEvents.id,
      seq: auditEvents.seq,
      createdAt: auditEvents.createdAt,
      actorUserId: auditEvents.actorUserId,
      actorName: users.name,
      action: auditEvents.action,
      targetType: auditEvents.targetType,
      targetId: auditEvents.targetId,
      requestId: auditEvents.requestId,
      details: auditEvents.details,
    })
    .from(auditEvents)
    .leftJoin(users, and(eq(users.tenantId, auditEvents.tenantId), eq(users.id, auditEvents.actorUserId)))
    .where(and(...where))
    .orderBy(desc(auditEvents.seq))
    .limit(limit)
  return rows.map((row) => ({ ...row, createdAt: row.createdAt.toISOString(), details: row.details ?? null }))
}

export async function listAuditEvents(
  tx: Tx,
  clinic: ClinicCaller,
  input: AuditFilters & { cursor?: string | null; limit: number },
): Promise<AuditPage> {
  const where = conditions(clinic.tenantId, input)
  if (input.cursor) where.push(lt(auditEvents.seq, Number(input.cursor)))
  const rows = await entries(tx, where, input.limit + 1)
  const items = rows.slice(0, input.limit)
  return { items, nextCursor: rows.length > input.limit ? String(items.at(-1)!.seq) : null }
}

/** Every matching event, newest first, up to `max` (for the CSV download). */
export async function exportAuditEvents(
  tx: Tx,
  clinic: ClinicCaller,
  input: AuditFilters,
  max: number,
): Promise<{ items: AuditEntry[]; truncated: boolean }> {
  const rows = await entries(tx, conditions(clinic.tenantId, input), max + 1)
  return { items: rows.slice(0, max), truncated: rows.length > max }
}

/** The actions and actors that occur in the clinic's trail, for the filters' choices. */
export async function auditFilterChoices(
  tx: Tx,
  clinic: ClinicCaller,
): Promise<{ actions: string[]; actors: Array<{ userId: string; name: string }> }> {
  const [actions, actors] = await Promise.all([
    tx
      .selectDistinct({ action: auditEvents.action })
      .from(auditEvents)
      .where(eq(auditEvents.tenantId, clinic.tenantId))
      .orderBy(asc(auditEvents.action))
      .limit(200),
    tx
      .select({ userId: users.id, name: users.name })
      .from(users)
      .where(
        and(
          eq(users.tenantId, clinic.tenantId),
          sql`exists (select 1 from ${auditEvents} where ${auditEvents.tenantId} = ${users.tenantId}
                        and ${auditEvents.actorUserId} = ${users.id})`,
        ),
      )
      .orderBy(asc(users.name), asc(users.id))
      .limit(500),
  ])
  return { actions: actions.map((row) => row.action), actors }
}

export interface ChainVerification {
  /** Events in the clinic's chain. */
  total: number
  /** The last event up to which every link verifies (0: none does). */
  verifiedUpTo: number
  /** The first event that does not verify, and why; null when the whole chain does. */
  firstBad: { seq: number; id: string; problem: Exclude<ChainCheck, { ok: true }>['problem'] } | null
}

const BATCH = 1000

/** Walks the clinic's chain from its first event, in batches, and stops at the first broken link. */
export async function verifyAuditChain(tx: Tx, clinic: ClinicCaller): Promise<ChainVerification> {
  let previous: { seq: number; hash: string } | null = null
  let total = 0
  for (;;) {
    const batch = await tx
      .select({
        tenantId: auditEvents.tenantId,
        id: auditEvents.id,
        seq: auditEvents.seq,
        prevHash: auditEvents.prevHash,
        hash: auditEvents.hash,
        actorUserId: auditEvents.actorUserId,
        action: auditEvents.action,
        targetType: auditEvents.targetType,
        targetId: auditEvents.targetId,
        requestId: auditEvents.requestId,
        details: auditEvents.details,
        // As the chain hashed it (milliseconds, UTC), read as text so nothing is rounded on the way.
        createdAt: sql<string>`to_char(${auditEvents.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
      })
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.tenantId, clinic.tenantId),
          previous ? gt(auditEvents.seq, previous.seq) : undefined,
        ),
      )
      .orderBy(asc(auditEvents.seq))
      .limit(BATCH)
    for (const event of batch) {
      const check = checkLink(event, previous)
      if (!check.ok) {
        const [count] = await tx
          .select({ n: sql<string>`count(*)::text` })
          .from(auditEvents)
          .where(eq(auditEvents.tenantId, clinic.tenantId))
        return {
          total: Number(count!.n),
          verifiedUpTo: previous?.seq ?? 0,
          firstBad: { seq: event.seq, id: event.id, problem: check.problem },
        }
      }
      previous = { seq: event.seq, hash: event.hash }
      total++
    }
    if (batch.length < BATCH) return { total, verifiedUpTo: previous?.seq ?? 0, firstBad: null }
  }
}
