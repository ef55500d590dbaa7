// Answers (and note sections) left `streaming` by a crash end as `error` with reason `interrupted`,
// keeping whatever text was saved. A live answer touches its row at least every
// STREAM_HEARTBEAT_MS (the chat handler's heartbeat, progress saves), so a row
// untouched for STALE_STREAM_SECONDS belongs to a process that is gone: at startup
// and in a sweep while running, such answers are ended.
import { and, eq, lte, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { Database } from '#db/client.ts'
import { messages } from '#db/schema/index.ts'
import { estimateTokens } from '#server/llm/prompt.ts'
import { finishSection, staleSections } from '#server/services/notes/draft.ts'
import { finishExchange } from './exchange.ts'

export { STREAM_HEARTBEAT_MS } from '#server/services/generation/generation.ts'
/**
 * Five heartbeats missed: the process behind the answer is gone. (Long enough for a short
 * database outage, during which no heartbeat can be written, not to end live answers.)
 */
export const STALE_STREAM_SECONDS = 10

/**
 * The (clinic, clinician) pairs with an answer left `streaming` and untouched for at
 * least `minAgeSeconds`: identifiers only, through a SECURITY DEFINER function
 * (migration 0004). The answers themselves are then ended inside withTenant.
 */
async function staleStreamOwners(db: Database, minAgeSeconds: number) {
  const seconds = z.number().min(0).max(86_400).parse(minAgeSeconds)
  const rows = await db.outsideTenant.execute<{ tenant_id: string; owner_user_id: string }>(
    sql`select tenant_id, owner_user_id from clinai_stale_stream_owners(make_interval(secs => ${seconds}))`,
  )
  return [...rows].map((row) => ({ tenantId: row.tenant_id, userId: row.owner_user_id }))
}

/** Ends stale streams; returns how many answers and note sections were marked interrupted. */
export async function interruptStaleStreams(db: Database, minAgeSeconds: number): Promise<number> {
  let interrupted = 0
  for (const owner of await staleStreamOwners(db, minAgeSeconds)) {
    interrupted += await db.withTenant({ ...owner, role: 'system' }, async (tx) => {
      const stale = await tx
        .select({ id: messages.id, conversationId: messages.conversationId, content: messages.content })
        .from(messages)
        .where(
          and(
            eq(messages.tenantId, owner.tenantId),
            eq(messages.ownerUserId, owner.userId),
            eq(messages.status, 'streaming'),
            lte(messages.updatedAt, sql`now() - make_interval(secs => ${minAgeSeconds})`),
          ),
        )
        .for('update', { skipLocked: true })
      let count = 0
      for (const message of stale) {
        // The prompt's size is unknown now; the saved text's tokens are counted, marked estimated.
        const usage = { promptTokens: 0, completionTokens: estimateTokens(message.content), estimated: true }
        const ended = await finishExchange(tx, owner, {
          conversationId: message.conversationId,
          messageId: message.id,
          content: message.content,
          ending: { status: 'error', code: 'interrupted' },
          usage,
        })
        if (ended) count++
      }
      for (const section of await staleSections(tx, owner, minAgeSeconds)) {
        const usage = { promptTokens: 0, completionTokens: estimateTokens(section.content), estimated: true }
        const ended = await finishSection(tx, owner, {
          sectionId: section.id,
          content: section.content,
          ending: { status: 'error', code: 'interrupted' },
          usage,
        })
        if (ended) count++
      }
      return count
    })
  }
  return interrupted
}
