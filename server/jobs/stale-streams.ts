// The stale-stream sweep: answers left `streaming` by a crashed process end as
// `interrupted` (server/services/chat/recovery.ts), at start-up and every 3 s after.
// A timer rather than a queued job: it is cheap, idempotent and safe on every instance at
// once (rows are taken with SKIP LOCKED), and a cron schedule cannot run it this often.
import type { Logger } from '#server/logger.ts'
import type { Database } from '#db/client.ts'
import { interruptStaleStreams, STALE_STREAM_SECONDS } from '#server/services/chat/recovery.ts'

/** After a crash, a conversation is free again at most STALE_STREAM_SECONDS plus this after its last write. */
export const SWEEP_EVERY_MS = 3_000

export async function startStaleStreamSweep(db: Database, logger: Logger): Promise<() => void> {
  // A live answer shows a sign of life every few seconds (see STREAM_HEARTBEAT_MS), so one
  // silent for longer was cut off by a crash. Live streams of an instance still running
  // next to this one (a deployment slot swap, a scale-out) are left alone.
  const interrupted = await interruptStaleStreams(db, STALE_STREAM_SECONDS)
  if (interrupted > 0) logger.warn({ interrupted }, 'answers interrupted by a restart marked as error')
  const timer = setInterval(() => {
    interruptStaleStreams(db, STALE_STREAM_SECONDS).then(
      (count) => {
        if (count > 0) logger.warn({ interrupted: count }, 'stale streaming answers marked as error')
      },
      (error: unknown) => logger.error({ err: { name: (error as Error).name } }, 'stale stream sweep failed'),
    )
  }, SWEEP_EVERY_MS)
  timer.unref()
  return () => clearInterval(timer)
}
