// Pseudonymising a prompt before it leaves the server, and keeping what that needs: the mapping
// of one conversation or note, and the prompt as sent ("what the model saw"), sealed in one
// `pseudonym_maps` row (owner-only, under row-level security). Nothing here logs: the mapping and
// the prompts are patient data, and only their owner reads them back.
import { and, eq } from 'drizzle-orm'
import type { Tx } from '#db/client.ts'
import { conversations, notes, pseudonymMaps, tenants } from '#db/schema/index.ts'
import type { PromptMessage } from '#server/llm/client.ts'
import type { OutputRestorer } from '#server/services/generation/generation.ts'
import { ownConversation } from '#server/services/conversations/conversations.ts'
import type { Caller } from '#server/services/caller.ts'
import { ownNote } from '#server/services/notes/notes.ts'
import type { MappingSealer } from './crypto.ts'
import type { DetectOptions } from './detect.ts'
import { emptyMapping, Pseudonymiser, type MappingState } from './pseudonymiser.ts'

export type PseudonymScope = { kind: 'conversation'; id: string } | { kind: 'note'; id: string }

/** One prompt as the model received it. */
export interface ModelView {
  /** The answer it was for: a chat answer's message id, a note section's id. */
  key: string
  sentAt: string
  /** False when the clinic had pseudonymisation off: the model saw the text as it was. */
  pseudonymised: boolean
  messages: PromptMessage[]
}

interface Sealed {
  mapping: MappingState
  views: ModelView[]
}

/** A note keeps the last prompt of each section; a conversation only its last. */
const MAX_VIEWS = { conversation: 1, note: 30 } as const

const associatedData = (tenantId: string, scope: PseudonymScope) =>
  `pseudonym_maps|${tenantId}|${scope.kind}|${scope.id}`

const scopeColumn = (scope: PseudonymScope) =>
  scope.kind === 'conversation' ? pseudonymMaps.conversationId : pseudonymMaps.noteId

/**
 * The row's contents; `unreadable` when it exists but does not open (sealed with a key no longer
 * configured): the conversation then starts a new mapping rather than failing, since its stored
 * messages keep the details and only the numbering starts again.
 */
async function readSealed(
  tx: Tx,
  sealer: MappingSealer,
  owner: Caller,
  scope: PseudonymScope,
  forUpdate: boolean,
): Promise<Sealed | 'unreadable' | null> {
  const query = tx
    .select({ sealed: pseudonymMaps.sealed })
    .from(pseudonymMaps)
    .where(
      and(
        eq(pseudonymMaps.tenantId, owner.tenantId),
        eq(pseudonymMaps.ownerUserId, owner.userId),
        eq(scopeColumn(scope), scope.id),
      ),
    )
  const [row] = forUpdate ? await query.for('update') : await query
  if (!row) return null
  try {
    return JSON.parse(sealer.open(row.sealed, associatedData(owner.tenantId, scope))) as Sealed
  } catch {
    return 'unreadable'
  }
}

export interface ProtectedPrompt {
  messages: PromptMessage[]
  /** Turns the answer's placeholders back into the details; null when the clinic has it off. */
  pseudonymiser: Pseudonymiser | null
  /** How many details the mapping holds (a count for the span, never the details). */
  mapped: number
}

/**
 * The prompt to send: with the clinic's setting on (the default), every patient detail found in
 * it, and the clinic's own words never to send, replaced by this conversation's or note's
 * placeholders. Stores the mapping and the prompt as sent, in the caller's transaction.
 */
export async function protectPrompt(
  tx: Tx,
  owner: Caller,
  sealer: MappingSealer,
  input: {
    scope: PseudonymScope
    /** The answer this prompt is for (see ModelView.key). */
    viewKey: string
    messages: PromptMessage[]
    /** Further terms of this scope: a note's patient reference. */
    terms?: DetectOptions['terms']
    /** The clinic's setting and words when the caller has read them already (checkBudget does). */
    clinic?: { pseudonymise: boolean; neverSendTerms: string[] }
  },
): Promise<ProtectedPrompt> {
  const [clinic] = input.clinic
    ? [input.clinic]
    : await tx
        .select({ pseudonymise: tenants.pseudonymise, neverSendTerms: tenants.neverSendTerms })
        .from(tenants)
        .where(eq(tenants.id, owner.tenantId))
  const enabled = clinic?.pseudonymise ?? true
  const read = await readSealed(tx, sealer, owner, input.scope, true)
  const stored = read === 'unreadable' ? null : read
  const pseudonymiser = new Pseudonymiser(stored?.mapping ?? emptyMapping())
  const terms: NonNullable<DetectOptions['terms']> = [
    ...(input.terms ?? []),
    ...(clinic?.neverSendTerms ?? []).map((text) => ({ text, category: 'TERM' as const })),
  ]
  const messages = enabled
    ? input.messages.map((message) => ({
        ...message,
        content: pseudonymiser.pseudonymise(message.content, { terms }),
      }))
    : input.messages
  const view: ModelView = {
    key: input.viewKey,
    sentAt: new Date().toISOString(),
    pseudonymised: enabled,
    messages,
  }
  const views = [...(stored?.views ?? []).filter((other) => other.key !== input.viewKey), view].slice(
    -MAX_VIEWS[input.scope.kind],
  )
  const sealed = sealer.seal(
    JSON.stringify({ mapping: pseudonymiser.mapping, views } satisfies Sealed),
    associatedData(owner.tenantId, input.scope),
  )
  if (read !== null) {
    await tx
      .update(pseudonymMaps)
      .set({ sealed })
      .where(
        and(
          eq(pseudonymMaps.tenantId, owner.tenantId),
          eq(pseudonymMaps.ownerUserId, owner.userId),
          eq(scopeColumn(input.scope), input.scope.id),
        ),
      )
  } else {
    await tx.insert(pseudonymMaps).values({
      tenantId: owner.tenantId,
      ownerUserId: owner.userId,
      conversationId: input.scope.kind === 'conversation' ? input.scope.id : null,
      noteId: input.scope.kind === 'note' ? input.scope.id : null,
      sealed,
    })
  }
  return { messages, pseudonymiser: enabled ? pseudonymiser : null, mapped: pseudonymiser.size }
}

/**
 * What the model saw for the owner's conversation or note, newest last; null when it is not
 * theirs (or does not exist), an empty list when nothing has been sent yet.
 */
export async function modelViews(
  tx: Tx,
  owner: Caller,
  sealer: MappingSealer,
  scope: PseudonymScope,
): Promise<ModelView[] | null> {
  const [mine] =
    scope.kind === 'conversation'
      ? await tx.select({ id: conversations.id }).from(conversations).where(ownConversation(owner, scope.id))
      : await tx.select({ id: notes.id }).from(notes).where(ownNote(owner, scope.id))
  if (!mine) return null
  const stored = await readSealed(tx, sealer, owner, scope, false)
  return stored === null || stored === 'unreadable' ? [] : stored.views
}

/** The generation's restorer for a protected prompt: placeholders back into details; none when off. */
export function restorerFor(pseudonymiser: Pseudonymiser | null): OutputRestorer | undefined {
  if (!pseudonymiser) return undefined
  return { text: (text) => pseudonymiser.restore(text), stream: () => pseudonymiser.streamRestorer() }
}
