// One question and its answer, as stored: the user's message is written before
// the model is called, the answer starts as `streaming` and always ends in a
// terminal state, and its tokens are rolled up per clinic, user and day in the
// same transaction that ends it.
import { and, desc, eq, ne, sql } from 'drizzle-orm'
import type { Tx } from '#db/client.ts'
import { conversations, messages, usage } from '#db/schema/index.ts'
import type { PromptMessage } from '#server/llm/client.ts'
import type { Ending, TokenUsage } from '#server/services/generation/generation.ts'
import { DEFAULT_TITLE, ownConversation } from '#server/services/conversations/conversations.ts'
import type { Caller } from '#server/services/caller.ts'
import { checkBudget, recordBudgetAlerts, type GenerationSettings } from '#server/services/budget/budget.ts'
import type { ProgressSink } from '#server/services/generation/progress-writer.ts'

/** How many earlier messages are read for the prompt; the context budget trims further. */
const HISTORY_LIMIT = 200
const TITLE_MAX_CHARS = 60

export type ExchangeRequest = { kind: 'ask'; content: string } | { kind: 'regenerate' }

export interface Exchange {
  conversationId: string
  title: string
  userMessageId: string
  /** The text being answered (the new message, or the stored one on regenerate). */
  userText: string
  assistantMessageId: string
  deployment: string
  systemPrompt: string | null
  /** The clinic's pseudonymisation setting and words, read with the budget (for protectPrompt). */
  clinic: Pick<GenerationSettings, 'pseudonymise' | 'neverSendTerms'>
  /** Earlier messages, oldest first, without the one being answered. */
  history: PromptMessage[]
}

export type ExchangeRefusal =
  'not_found' | 'busy' | 'budget_exhausted' | 'user_budget_exhausted' | 'nothing_to_regenerate'

export type StartResult = { ok: true; exchange: Exchange } | { ok: false; refusal: ExchangeRefusal }

/**
 * Checks that the conversation is the owner's, that no answer is streaming in it
 * and that the clinic has budget left; then stores the user's message (unless
 * regenerating) and an empty `streaming` answer. The first exchange names the
 * conversation after the first line of the question.
 */
export async function startExchange(
  tx: Tx,
  owner: Caller,
  input: {
    conversationId: string
    request: ExchangeRequest
    defaultDeployment: string
    /** The deployments the operator allows; a clinic's choice outside them falls back to the default. */
    deployments?: readonly string[]
  },
): Promise<StartResult> {
  const [conversation] = await tx
    .select({ id: conversations.id, title: conversations.title })
    .from(conversations)
    .where(ownConversation(owner, input.conversationId))
    // Serialises exchanges in one conversation, so the busy check below holds.
    .for('update')
  if (!conversation) return { ok: false, refusal: 'not_found' }

  const inConversation = and(
    eq(messages.tenantId, owner.tenantId),
    eq(messages.ownerUserId, owner.userId),
    eq(messages.conversationId, conversation.id),
  )
  const [streaming] = await tx
    .select({ id: messages.id })
    .from(messages)
    .where(and(inConversation, eq(messages.status, 'streaming')))
    .limit(1)
  if (streaming) return { ok: false, refusal: 'busy' }

  // The budget, and the clinic's model and prompt settings from the same statement.
  const { refusal: overBudget, settings: clinic } = await checkBudget(tx, owner)
  if (overBudget) return { ok: false, refusal: overBudget }

  const chosen = clinic?.modelDeployment
  const deployment =
    chosen && (!input.deployments || input.deployments.includes(chosen)) ? chosen : input.defaultDeployment
  const answer = {
    tenantId: owner.tenantId,
    conversationId: conversation.id,
    ownerUserId: owner.userId,
    role: 'assistant' as const,
    content: '',
    status: 'streaming' as const,
    model: deployment,
    // clock_timestamp, not now(): the answer sorts after the question stored before it.
    createdAt: sql`clock_timestamp()`,
  }
  let userMessage: { id: string; content: string }
  let assistant: { id: string }
  if (input.request.kind === 'regenerate') {
    const newest = await tx
      .select({ id: messages.id, role: messages.role, content: messages.content })
      .from(messages)
      .where(inConversation)
      .orderBy(desc(messages.createdAt), desc(messages.role), desc(messages.id))
      .limit(2)
    const lastUser = newest.find((message) => message.role === 'user')
    if (!lastUser) return { ok: false, refusal: 'nothing_to_regenerate' }
    // The answer being replaced goes; the question stays, stored once.
    if (newest[0]!.role === 'assistant') {
      await tx.delete(messages).where(and(inConversation, eq(messages.id, newest[0]!.id)))
    }
    userMessage = lastUser
    const [row] = await tx.insert(messages).values(answer).returning({ id: messages.id })
    assistant = row!
  } else {
    // The question and the empty answer in one statement; clock_timestamp() is read per row,
    // and an equal reading still sorts the answer last (role, then id, break the tie).
    const rows = await tx
      .insert(messages)
      .values([
        {
          tenantId: owner.tenantId,
          conversationId: conversation.id,
          ownerUserId: owner.userId,
          role: 'user',
          content: input.request.content,
          status: 'complete',
          createdAt: sql`clock_timestamp()`,
        },
        answer,
      ])
      .returning({ id: messages.id, role: messages.role, content: messages.content })
    userMessage = rows.find((row) => row.role === 'user')!
    assistant = rows.find((row) => row.role === 'assistant')!
  }

  const title =
    conversation.title === DEFAULT_TITLE && input.request.kind === 'ask'
      ? titleFrom(input.request.content) || DEFAULT_TITLE
      : conversation.title
  await tx
    .update(conversations)
    .set({ title, lastMessageAt: sql`now()` })
    .where(ownConversation(owner, conversation.id))

  const earlier = await tx
    .select({ role: messages.role, content: messages.content })
    .from(messages)
    .where(
      and(
        inConversation,
        ne(messages.id, userMessage.id),
        ne(messages.id, assistant.id),
        // Failed answers with nothing in them would only confuse the model.
        sql`${messages.content} <> ''`,
        sql`(${messages.createdAt}, ${messages.role}, ${messages.id}) < (select created_at, role, id from messages m where m.tenant_id = ${owner.tenantId} and m.id = ${userMessage.id})`,
      ),
    )
    .orderBy(desc(messages.createdAt), desc(messages.role), desc(messages.id))
    .limit(HISTORY_LIMIT)

  return {
    ok: true,
    exchange: {
      conversationId: conversation.id,
      title,
      userMessageId: userMessage.id,
      userText: userMessage.content,
      assistantMessageId: assistant.id,
      deployment,
      systemPrompt: clinic?.systemPrompt ?? null,
      clinic: { pseudonymise: clinic?.pseudonymise ?? true, neverSendTerms: clinic?.neverSendTerms ?? [] },
      history: earlier.reverse().map((message) => ({ role: message.role, content: message.content })),
    },
  }
}

/**
 * A conversation's title from its first question: the first non-empty line,
 * without Markdown markers, whitespace collapsed, cut at a word boundary.
 * Deterministic and free, where asking the model would cost tokens and time.
 */
export function titleFrom(text: string): string {
  const line =
    text
      .split(/\r?\n/)
      .map((candidate) =>
        candidate
          .replace(/^[\s#>*\-+]+|[*_`~]+/g, '')
          .replace(/\s+/g, ' ')
          .trim(),
      )
      .find((candidate) => candidate.length > 0) ?? ''
  if (line.length <= TITLE_MAX_CHARS) return line
  const cut = line.slice(0, TITLE_MAX_CHARS)
  const atWord = cut.lastIndexOf(' ')
  return `${(atWord > TITLE_MAX_CHARS / 2 ? cut.slice(0, atWord) : cut).trimEnd()}…`
}

/**
 * Saves the partial answers of one person's running streams in one statement (the process's
 * ProgressWriter batches them), so a crash keeps what was shown; a row without content is only
 * marked alive (see recovery.ts). Only `streaming` rows: an ended answer is never overwritten.
 */
export const answerProgress: ProgressSink = {
  name: 'messages',
  async save(tx, owner, rows) {
    await tx.execute(sql`
      update messages set content = coalesce(v.content, messages.content), updated_at = now()
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(id uuid, content text)
       where messages.tenant_id = ${owner.tenantId} and messages.owner_user_id = ${owner.userId}
         and messages.id = v.id and messages.status = 'streaming'`)
  },
}

export type { Ending, TokenUsage } from '#server/services/generation/generation.ts'

/**
 * Ends the answer, adds its tokens to the day's roll-up and marks the conversation's last
 * activity, in one statement (then the budget alerts, which must see the new total), in the
 * caller's transaction. False when the answer had already ended (for example, marked
 * interrupted): then nothing is counted or touched.
 */
export async function finishExchange(
  tx: Tx,
  owner: Caller,
  input: { conversationId: string; messageId: string; content: string; ending: Ending; usage: TokenUsage },
): Promise<boolean> {
  const { ending, usage: tokens } = input
  const total = tokens.promptTokens + tokens.completionTokens
  const result = await tx.execute<{ ended: number }>(sql`
    with ended as (
      update messages
         set content = ${input.content}, status = ${ending.status}::message_status,
             finish_reason = ${ending.status === 'complete' ? ending.finishReason : null},
             error_code = ${ending.status === 'error' ? ending.code : null},
             prompt_tokens = ${tokens.promptTokens}, completion_tokens = ${tokens.completionTokens},
             usage_estimated = ${tokens.estimated}, completed_at = now(), updated_at = now()
       where tenant_id = ${owner.tenantId} and owner_user_id = ${owner.userId}
         and id = ${input.messageId} and status = 'streaming'
      returning model
    ), counted as (
      insert into usage as u (tenant_id, user_id, day, model, requests, prompt_tokens, completion_tokens, estimated_tokens)
      select ${owner.tenantId}, ${owner.userId}, (now() at time zone 'UTC')::date, coalesce(ended.model, ''), 1,
             ${tokens.promptTokens}, ${tokens.completionTokens}, ${tokens.estimated ? total : 0}
        from ended
      on conflict (tenant_id, user_id, day, model) do update
         set requests = u.requests + 1, prompt_tokens = u.prompt_tokens + excluded.prompt_tokens,
             completion_tokens = u.completion_tokens + excluded.completion_tokens,
             estimated_tokens = u.estimated_tokens + excluded.estimated_tokens, updated_at = now()
    ), touched as (
      update conversations set last_message_at = now(), updated_at = now()
       where tenant_id = ${owner.tenantId} and owner_user_id = ${owner.userId}
         and id = ${input.conversationId} and exists (select 1 from ended)
    )
    select count(*)::int as ended from ended`)
  if (!result[0]?.ended) return false
  // The clinic's budget and the person's own cap alike: passing a threshold is recorded once.
  if (total > 0) await recordBudgetAlerts(tx, owner.tenantId)
  return true
}

/** Adds one generation's tokens to the day's roll-up per clinic and person (in the caller's transaction). */
export async function recordUsage(tx: Tx, owner: Caller, tokens: TokenUsage, model: string | null) {
  const total = tokens.promptTokens + tokens.completionTokens
  await tx
    .insert(usage)
    .values({
      tenantId: owner.tenantId,
      userId: owner.userId,
      day: sql`(now() at time zone 'UTC')::date`,
      model: model ?? '',
      requests: 1,
      promptTokens: tokens.promptTokens,
      completionTokens: tokens.completionTokens,
      estimatedTokens: tokens.estimated ? total : 0,
    })
    .onConflictDoUpdate({
      target: [usage.tenantId, usage.userId, usage.day, usage.model],
      set: {
        requests: sql`${usage.requests} + 1`,
        promptTokens: sql`${usage.promptTokens} + excluded.prompt_tokens`,
        completionTokens: sql`${usage.completionTokens} + excluded.completion_tokens`,
        estimatedTokens: sql`${usage.estimatedTokens} + excluded.estimated_tokens`,
        updatedAt: sql`now()`,
      },
    })
  // The clinic's budget and the person's own cap alike: passing a threshold is recorded once.
  if (total > 0) await recordBudgetAlerts(tx, owner.tenantId)
}
