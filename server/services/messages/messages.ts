// Messages of one of the caller's conversations, paged from the newest back in
// time; each page is in chronological order, ready to show.
import { and, desc, eq, sql } from 'drizzle-orm'
import type { Tx } from '#db/client.ts'
import { conversations, messages } from '#db/schema/index.ts'
import {
  decodeCursor,
  encodeCursor,
  epochMicros,
  fromEpochMicros,
} from '#server/services/conversations/cursor.ts'
import type { Caller } from '#server/services/caller.ts'

export interface MessageView {
  id: string
  conversationId: string
  role: 'user' | 'assistant'
  content: string
  status: 'streaming' | 'complete' | 'stopped' | 'error'
  errorCode: string | null
  finishReason: string | null
  model: string | null
  promptTokens: number | null
  completionTokens: number | null
  usageEstimated: boolean
  createdAt: string
  completedAt: string | null
}

export interface MessagePage {
  /** Oldest first. */
  items: MessageView[]
  /** True when older messages exist; pass nextCursor to fetch them. */
  hasMore: boolean
  nextCursor: string | null
}

/** True when the conversation exists and is the owner's. */
export async function ownsConversation(tx: Tx, owner: Caller, conversationId: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: conversations.id })
    .from(conversations)
    .where(
      and(
        eq(conversations.tenantId, owner.tenantId),
        eq(conversations.ownerUserId, owner.userId),
        eq(conversations.id, conversationId),
      ),
    )
  return Boolean(row)
}

/**
 * A page of messages, newest page first. Null when the conversation is not the owner's.
 * Messages written in one transaction share created_at, so the role breaks the
 * tie (a question before its answer) and the id makes the order total.
 */
export async function listMessages(
  tx: Tx,
  owner: Caller,
  input: { conversationId: string; limit: number; cursor?: string | null },
): Promise<MessagePage | null> {
  if (!(await ownsConversation(tx, owner, input.conversationId))) return null
  return readMessagePage(tx, owner, input)
}

/**
 * A page of a conversation's messages, newest first in the query, oldest first in the page,
 * for a caller that has just read the conversation as the owner's (getConversation) and need
 * not ask again. The owner's own messages only, whatever the id.
 */
export async function readMessagePage(
  tx: Tx,
  owner: Caller,
  input: { conversationId: string; limit: number; cursor?: string | null },
): Promise<MessagePage> {
  const after = input.cursor ? decodeCursor('messages', input.cursor) : null
  if (input.cursor && !after) throw new Error('invalid cursor reached the messages service')
  const createdMicros = epochMicros(messages.createdAt)
  const rows = await tx
    .select({ message: messages, createdMicros })
    .from(messages)
    .where(
      and(
        eq(messages.tenantId, owner.tenantId),
        eq(messages.ownerUserId, owner.userId),
        eq(messages.conversationId, input.conversationId),
        after
          ? sql`(${messages.createdAt}, ${messages.role}, ${messages.id}) < (${fromEpochMicros(after[0]!)}, ${after[1]}::message_role, ${after[2]}::uuid)`
          : undefined,
      ),
    )
    .orderBy(desc(messages.createdAt), desc(messages.role), desc(messages.id))
    .limit(input.limit + 1)
  const hasMore = rows.length > input.limit
  const page = rows.slice(0, input.limit)
  const oldest = page.at(-1)
  return {
    items: page.reverse().map((row) => toView(row.message)),
    hasMore,
    nextCursor:
      hasMore && oldest
        ? encodeCursor('messages', [oldest.createdMicros, oldest.message.role, oldest.message.id])
        : null,
  }
}

export function toView(row: typeof messages.$inferSelect): MessageView {
  return {
    id: row.id,
    conversationId: row.conversationId,
    role: row.role,
    content: row.content,
    status: row.status,
    errorCode: row.errorCode,
    finishReason: row.finishReason,
    model: row.model,
    promptTokens: row.promptTokens,
    completionTokens: row.completionTokens,
    usageEstimated: row.usageEstimated,
    createdAt: row.createdAt.toISOString(),
    completedAt: row.completedAt?.toISOString() ?? null,
  }
}
