// A clinician's own folders: list, create, rename, delete. Deleting a folder
// moves its conversations to "no folder" first: nothing is deleted silently.
import { and, asc, count, eq, sql } from 'drizzle-orm'
import type { Tx } from '#db/client.ts'
import { conversations, folders } from '#db/schema/index.ts'
import type { Caller } from '#server/services/caller.ts'

export interface FolderSummary {
  id: string
  name: string
  conversationCount: number
  createdAt: string
  updatedAt: string
}

/** The folder list is not paginated, so it is bounded here. */
export const MAX_FOLDERS = 500

export class FolderLimitError extends Error {
  constructor() {
    super(`at most ${MAX_FOLDERS} folders per person`)
    this.name = 'FolderLimitError'
  }
}

/** The person already has a folder of that name (letter case aside). */
export class FolderNameTakenError extends Error {
  constructor() {
    super('a folder of that name exists')
    this.name = 'FolderNameTakenError'
  }
}

/**
 * Refuses a name the person already uses, letter case aside; the unique index on
 * (tenant_id, owner_user_id, lower(name)) holds it against concurrent requests too.
 */
async function requireFreeName(tx: Tx, owner: Caller, name: string, except?: string) {
  const [taken] = await tx
    .select({ id: folders.id })
    .from(folders)
    .where(
      and(
        eq(folders.tenantId, owner.tenantId),
        eq(folders.ownerUserId, owner.userId),
        sql`lower(${folders.name}) = lower(${name})`,
        except ? sql`${folders.id} <> ${except}` : undefined,
      ),
    )
    .limit(1)
  if (taken) throw new FolderNameTakenError()
}

/** A unique violation from a concurrent request that took the name first. */
function asNameTaken(error: unknown): never {
  const code =
    (error as { cause?: { code?: unknown }; code?: unknown })?.cause?.code ??
    (error as { code?: unknown })?.code
  if (code === '23505') throw new FolderNameTakenError()
  throw error
}

/** The folder does not exist or is not the caller's: the two are never told apart. */
export class FolderNotFoundError extends Error {
  constructor() {
    super('folder not found')
    this.name = 'FolderNotFoundError'
  }
}

const ownFolder = (owner: Caller, folderId: string) =>
  and(eq(folders.tenantId, owner.tenantId), eq(folders.ownerUserId, owner.userId), eq(folders.id, folderId))

/**
 * Throws FolderNotFoundError unless the folder is the owner's. `for key share`
 * holds it until the transaction ends, so a concurrent delete cannot pull it
 * out from under a conversation that is being put into it.
 */
export async function requireOwnFolder(tx: Tx, owner: Caller, folderId: string): Promise<void> {
  const [row] = await tx
    .select({ id: folders.id })
    .from(folders)
    .where(ownFolder(owner, folderId))
    .for('key share')
  if (!row) throw new FolderNotFoundError()
}

export async function listFolders(tx: Tx, owner: Caller): Promise<FolderSummary[]> {
  // Read in index order (lower(name)) with each folder's count from the conversations
  // index: no sort, and no join that reads every conversation of the person.
  // Spelled out: drizzle leaves columns unqualified inside a select list, which would
  // compare the subquery's own columns with themselves.
  const conversationCount = sql<number>`(
    select count(*) from conversations c
     where c.tenant_id = "folders"."tenant_id" and c.owner_user_id = ${owner.userId}
       and c.folder_id = "folders"."id")`
  const rows = await tx
    .select({
      id: folders.id,
      name: folders.name,
      createdAt: folders.createdAt,
      updatedAt: folders.updatedAt,
      conversationCount,
    })
    .from(folders)
    .where(and(eq(folders.tenantId, owner.tenantId), eq(folders.ownerUserId, owner.userId)))
    // Names are unique per person letter case aside, so lower(name) orders them totally.
    .orderBy(asc(sql`lower(${folders.name})`))
    .limit(MAX_FOLDERS)
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    conversationCount: Number(row.conversationCount),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }))
}

export async function createFolder(tx: Tx, owner: Caller, input: { name: string }): Promise<FolderSummary> {
  const [existing] = await tx
    .select({ n: count() })
    .from(folders)
    .where(and(eq(folders.tenantId, owner.tenantId), eq(folders.ownerUserId, owner.userId)))
  if (Number(existing?.n ?? 0) >= MAX_FOLDERS) throw new FolderLimitError()
  await requireFreeName(tx, owner, input.name)
  const [row] = await tx
    .insert(folders)
    .values({ tenantId: owner.tenantId, ownerUserId: owner.userId, name: input.name })
    .returning()
    .catch(asNameTaken)
  return toSummary(row!, 0)
}

/** Null when the folder is not the owner's. */
export async function renameFolder(
  tx: Tx,
  owner: Caller,
  input: { folderId: string; name: string },
): Promise<FolderSummary | null> {
  await requireFreeName(tx, owner, input.name, input.folderId)
  const [row] = await tx
    .update(folders)
    .set({ name: input.name })
    .where(ownFolder(owner, input.folderId))
    .returning()
    .catch(asNameTaken)
  if (!row) return null
  const [counted] = await tx
    .select({ n: count() })
    .from(conversations)
    .where(
      and(
        eq(conversations.tenantId, owner.tenantId),
        eq(conversations.ownerUserId, owner.userId),
        eq(conversations.folderId, row.id),
      ),
    )
  return toSummary(row, Number(counted?.n ?? 0))
}

/** Null when the folder is not the owner's; otherwise how many conversations moved to "no folder". */
export async function deleteFolder(
  tx: Tx,
  owner: Caller,
  input: { folderId: string },
): Promise<{ folderId: string; movedConversations: number } | null> {
  // Lock first: a conversation being created into this folder either finishes
  // before the move below (and is moved) or finds the folder gone.
  const [locked] = await tx
    .select({ id: folders.id })
    .from(folders)
    .where(ownFolder(owner, input.folderId))
    .for('update')
  if (!locked) return null
  const moved = await tx
    .update(conversations)
    .set({ folderId: null })
    .where(
      and(
        eq(conversations.tenantId, owner.tenantId),
        eq(conversations.ownerUserId, owner.userId),
        eq(conversations.folderId, input.folderId),
      ),
    )
    .returning({ id: conversations.id })
  await tx.delete(folders).where(ownFolder(owner, input.folderId))
  return { folderId: input.folderId, movedConversations: moved.length }
}

function toSummary(row: typeof folders.$inferSelect, conversationCount: number): FolderSummary {
  return {
    id: row.id,
    name: row.name,
    conversationCount,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}
