// A clinician's own conversations: list (newest activity first), open with the
// newest messages, create, rename, move between folders, delete with messages.
import { and, asc, count, eq, isNull, sql } from 'drizzle-orm'
import type { Tx } from '#db/client.ts'
import { conversations, messages } from '#db/schema/index.ts'
import type { Caller } from '#server/services/caller.ts'
import { requireOwnFolder } from '#server/services/folders/folders.ts'
import { readMessagePage, type MessagePage } from '#server/services/messages/messages.ts'
import { decodeCursor, encodeCursor, epochMicros, fromEpochMicros } from './cursor.ts'

export const DEFAULT_TITLE = 'New conversation'

export interface ConversationSummary {
  id: string
  title: string
  /** Null: "no folder". */
  folderId: string | null
  lastMessageAt: string
  createdAt: string
  updatedAt: string
}

export interface ConversationPage {
  items: ConversationSummary[]
  nextCursor: string | null
}

/** The owner's conversation with this id: the where clause every service uses. */
export const ownConversation = (owner: Caller, conversationId: string) =>
  and(
    eq(conversations.tenantId, owner.tenantId),
    eq(conversations.ownerUserId, owner.userId),
    eq(conversations.id, conversationId),
  )

/**
 * Newest activity first; ties by id. `folderId` undefined lists every
 * conversation, null only those in no folder.
 */
export async function listConversations(
  tx: Tx,
  owner: Caller,
  input: { folderId?: string | null; limit: number; cursor?: string | null },
): Promise<ConversationPage> {
  if (input.folderId) await requireOwnFolder(tx, owner, input.folderId)
  const after = input.cursor ? decodeCursor('conversations', input.cursor) : null
  if (input.cursor && !after) throw new Error('invalid cursor reached the conversations service')
  const lastMicros = epochMicros(conversations.lastMessageAt)
  const rows = await tx
    .select({ conversation: conversations, lastMicros })
    .from(conversations)
    .where(
      and(
        eq(conversations.tenantId, owner.tenantId),
        eq(conversations.ownerUserId, owner.userId),
        input.folderId === undefined
          ? undefined
          : input.folderId === null
            ? isNull(conversations.folderId)
            : eq(conversations.folderId, input.folderId),
        // Matches the index order (last_message_at desc, id asc).
        after
          ? sql`(${conversations.lastMessageAt} < ${fromEpochMicros(after[0]!)} or (${conversations.lastMessageAt} = ${fromEpochMicros(after[0]!)} and ${conversations.id} > ${after[1]}::uuid))`
          : undefined,
      ),
    )
    // `nulls last` as in the index, or PostgreSQL sorts instead of reading the index in order.
    .orderBy(sql`${conversations.lastMessageAt} desc nulls last`, asc(conversations.id))
    .limit(input.limit + 1)
  const page = rows.slice(0, input.limit)
  const last = page.at(-1)
  return {
    items: page.map((row) => toSummary(row.conversation)),
    nextCursor:
      rows.length > input.limit && last
        ? encodeCursor('conversations', [last.lastMicros, last.conversation.id])
        : null,
  }
}

/** The conversation with its newest messages (oldest first); null when it is not the owner's. */
export async function getConversation(
  tx: Tx,
  owner: Caller,
  input: { conversationId: string; messageLimit: number },
): Promise<(ConversationSummary & { messages: MessagePage }) | null> {
  const [row] = await tx.select().from(conversations).where(ownConversation(owner, input.conversationId))
  if (!row) return null
  // The conversation is the owner's (just read under their id): no second check.
  const page = await readMessagePage(tx, owner, { conversationId: row.id, limit: input.messageLimit })
  return { ...toSummary(row), messages: page }
}

/** Throws FolderNotFoundError when a folder is given that is not the owner's. */
export async function createConversation(
  tx: Tx,
  owner: Caller,
  input: { title?: string | null; folderId?: string | null },
): Promise<ConversationSummary> {
  if (input.folderId) await requireOwnFolder(tx, owner, input.folderId)
  const [row] = await tx
    .insert(conversations)
    .values({
      tenantId: owner.tenantId,
      ownerUserId: owner.userId,
      folderId: input.folderId ?? null,
      title: input.title || DEFAULT_TITLE,
    })
    .returning()
  return toSummary(row!)
}

export async function renameConversation(
  tx: Tx,
  owner: Caller,
  input: { conversationId: string; title: string },
): Promise<ConversationSummary | null> {
  const [row] = await tx
    .update(conversations)
    .set({ title: input.title })
    .where(ownConversation(owner, input.conversationId))
    .returning()
  return row ? toSummary(row) : null
}

/** Null when the conversation is not the owner's; FolderNotFoundError when the folder is not. */
export async function moveConversation(
  tx: Tx,
  owner: Caller,
  input: { conversationId: string; folderId: string | null },
): Promise<ConversationSummary | null> {
  // The conversation is checked first, so "not found" names what the caller pointed at first.
  const [existing] = await tx
    .select({ id: conversations.id })
    .from(conversations)
    .where(ownConversation(owner, input.conversationId))
    .for('update')
  if (!existing) return null
  if (input.folderId) await requireOwnFolder(tx, owner, input.folderId)
  const [row] = await tx
    .update(conversations)
    .set({ folderId: input.folderId })
    .where(ownConversation(owner, input.conversationId))
    .returning()
  return row ? toSummary(row) : null
}

/** Deletes the conversation and (by the foreign key's cascade) its messages; null when not the owner's. */
export async function deleteConversation(
  tx: Tx,
  owner: Caller,
  input: { conversationId: string },
): Promise<{ conversationId: string; deletedMessages: number } | null> {
  const [existing] = await tx
    .select({ id: conversations.id })
    .from(conversations)
    .where(ownConversation(owner, input.conversationId))
    .for('update')
  if (!existing) return null
  const [counted] = await tx
    .select({ n: count() })
    .from(messages)
    .where(
      and(
        eq(messages.tenantId, owner.tenantId),
        eq(messages.ownerUserId, owner.userId),
        eq(messages.conversationId, input.conversationId),
      ),
    )
  await tx.delete(conversations).where(ownConversation(owner, input.conversationId))
  return { conversationId: input.conversationId, deletedMessages: Number(counted?.n ?? 0) }
}

function toSummary(row: typeof conversations.$inferSelect): ConversationSummary {
  return {
    id: row.id,
    title: row.title,
    folderId: row.folderId,
    lastMessageAt: row.lastMessageAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}
