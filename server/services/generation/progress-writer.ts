// One writer per process for the progress saves of every running generation (chat answers and
// note sections). Each generation opens a slot for its row and says when its text changed; one
// timer per process writes, every PROGRESS_EVERY_MS, every row whose text changed since its last
// save, and marks alive every row with no write for half of STREAM_HEARTBEAT_MS. The rows of one
// person (same clinic, same table) go in one statement in one withTenant transaction, so a batch
// never crosses a clinic, and row-level security (a person's own rows only) holds for it as for
// any other write. What it keeps, for every generation:
//   - text shown is saved within PROGRESS_EVERY_MS of being shown (the next tick takes it);
//   - one write at a time per row, in order, so an older text never lands after a newer one;
//   - a failed batch loses nothing: its rows stay changed and the next tick writes their
//     newest text;
//   - a save only touches a `streaming` row (the sink's statement says so), and once a slot is
//     closed no batch holding its row is in flight, so the terminal write comes after the last
//     save and no save can overwrite a terminal state.
import type { Database, TenantContext, Tx } from '#db/client.ts'
import type { Logger } from '#server/logger.ts'
import type { Caller } from '#server/services/caller.ts'

/** One row's save: its text, or null to mark it alive only. */
export interface ProgressRow {
  id: string
  content: string | null
}

/** Writes several rows of one person, in one statement, in the caller's transaction. */
export interface ProgressSink {
  /** For grouping and logs (`messages`, `note_sections`). */
  name: string
  save(tx: Tx, owner: Caller, rows: ProgressRow[]): Promise<void>
}

export interface ProgressSlot {
  /** The text changed: the next tick saves `snapshot()` (read then, not now). */
  changed(): void
  /** No more saves; resolves once no batch holding this row is in flight. */
  close(): Promise<void>
}

interface Entry {
  sink: ProgressSink
  context: TenantContext & { userId: string }
  id: string
  snapshot: () => string
  version: number
  savedVersion: number
  writtenAt: number
  inFlight: Promise<void> | null
  closed: boolean
}

export interface ProgressWriterOptions {
  everyMs: number
  heartbeatMs: number
  logger?: Logger
}

export class ProgressWriter {
  private readonly entries = new Set<Entry>()
  private timer: NodeJS.Timeout | undefined
  private readonly batches = new Set<Promise<void>>()

  constructor(
    private readonly db: Pick<Database, 'withTenant'>,
    private readonly options: ProgressWriterOptions,
  ) {}

  /** Rows being written (open slots). */
  get size(): number {
    return this.entries.size
  }

  open(
    sink: ProgressSink,
    context: TenantContext & { userId: string },
    id: string,
    snapshot: () => string,
  ): ProgressSlot {
    const entry: Entry = {
      sink,
      context,
      id,
      snapshot,
      version: 0,
      savedVersion: 0,
      // The row was written just now (created `streaming`), which counts as a sign of life.
      writtenAt: performance.now(),
      inFlight: null,
      closed: false,
    }
    this.entries.add(entry)
    this.timer ??= setInterval(() => void this.tick(), this.options.everyMs).unref()
    return {
      changed: () => {
        entry.version++
      },
      close: async () => {
        entry.closed = true
        this.entries.delete(entry)
        if (this.entries.size === 0) {
          clearInterval(this.timer)
          this.timer = undefined
        }
        await entry.inFlight
      },
    }
  }

  /** One round of saves now (the timer's work); resolves when its batches have ended. */
  async tick(): Promise<void> {
    const now = performance.now()
    const groups = new Map<string, { entries: Entry[]; rows: ProgressRow[]; versions: number[] }>()
    for (const entry of this.entries) {
      if (entry.inFlight) continue
      let row: ProgressRow
      if (entry.version > entry.savedVersion) row = { id: entry.id, content: entry.snapshot() }
      else if (now - entry.writtenAt >= this.options.heartbeatMs / 2) row = { id: entry.id, content: null }
      else continue
      const { tenantId, userId, role } = entry.context
      const key = `${entry.sink.name}\u0000${tenantId}\u0000${userId}\u0000${role}`
      let group = groups.get(key)
      if (!group) groups.set(key, (group = { entries: [], rows: [], versions: [] }))
      group.entries.push(entry)
      group.rows.push(row)
      group.versions.push(entry.version)
    }
    const batches: Array<Promise<void>> = []
    for (const group of groups.values()) {
      const [first] = group.entries
      const { sink, context } = first!
      const owner = { tenantId: context.tenantId, userId: context.userId }
      const batch = this.db
        .withTenant(context, (tx) => sink.save(tx, owner, group.rows))
        .then(
          () => {
            const writtenAt = performance.now()
            group.entries.forEach((entry, index) => {
              entry.savedVersion = Math.max(entry.savedVersion, group.versions[index]!)
              entry.writtenAt = writtenAt
            })
          },
          (error: unknown) => {
            // The rows stay changed: the next tick writes their newest text.
            this.options.logger?.warn(
              {
                sink: sink.name,
                tenantId: context.tenantId,
                rows: group.rows.length,
                err: { name: (error as Error).name },
              },
              'progress save failed; retrying at the next tick',
            )
          },
        )
        .finally(() => {
          for (const entry of group.entries) entry.inFlight = null
          this.batches.delete(batch)
        })
      for (const entry of group.entries) entry.inFlight = batch
      this.batches.add(batch)
      batches.push(batch)
    }
    await Promise.all(batches)
  }

  /** Stops the timer and waits for the batches in flight (the process is stopping). */
  async close(): Promise<void> {
    clearInterval(this.timer)
    this.timer = undefined
    await Promise.all([...this.batches])
  }
}
