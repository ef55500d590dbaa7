// `POST /api/chat/:conversationId`, the transport: checks the caller, the input, the
// rate limit, the conversation and the budget (refusing with JSON before any model
// call), has the exchange service store the question and an empty `streaming`
// answer, then streams the answer as server-sent events (see ./events.ts) while
// runGeneration (server/services/generation) drives the model to a terminal state:
// `complete`, `stopped` (the client went away or pressed stop: the upstream request
// is aborted at once) or `error` with a user-safe code.
// Before the prompt leaves, patient details in it are replaced by the conversation's
// placeholders (services/pseudonymise); the answer's placeholders are restored as it
// streams, so the clinician reads and keeps the details the model never saw.
import type { Tx } from '#db/client.ts'
import type { Identity } from '#server/auth/identity.ts'
import { buildPrompt, estimatePromptTokens } from '#server/llm/prompt.ts'
import type { PromptMessage } from '#server/llm/client.ts'
import type { AppContext } from '#server/app-context.ts'
import {
  answerProgress,
  finishExchange,
  startExchange,
  type Exchange,
  type ExchangeRefusal,
} from '#server/services/chat/exchange.ts'
import {
  runGeneration,
  type GenerationStore,
  type OutputRestorer,
} from '#server/services/generation/generation.ts'
import { protectPrompt, restorerFor } from '#server/services/pseudonymise/store.ts'
import { chatRequestBody, refuse, refusingWhenDatabaseUnavailable } from './chat-request.ts'
import { admitStreamRequest, inAdmittedTransaction } from './stream-admission.ts'
import { createEventStream } from './event-stream.ts'
import type { ChatEvent } from './events.ts'

const REFUSAL_STATUS: Record<ExchangeRefusal, number> = {
  not_found: 404,
  busy: 409,
  budget_exhausted: 409,
  user_budget_exhausted: 409,
  nothing_to_regenerate: 409,
}

export function handleChatRequest(
  services: AppContext,
  request: Request,
  conversationId: string | undefined,
  requestId: string,
  /** Aborted when the client goes away (the load context's `clientGone`, not `request.signal`). */
  clientGone: AbortSignal,
): Promise<Response> {
  return refusingWhenDatabaseUnavailable(() =>
    checkAndStart(services, request, conversationId, requestId, clientGone),
  )
}

async function checkAndStart(
  services: AppContext,
  request: Request,
  conversationId: string | undefined,
  requestId: string,
  clientGone: AbortSignal,
): Promise<Response> {
  const admitted = await admitStreamRequest(services, request, conversationId, chatRequestBody)
  if (!admitted.ok) return admitted.response
  const { admission } = admitted

  // The credential's check is this transaction's first statement.
  const started = await inAdmittedTransaction(services, admission, async (tx, identity) => {
    const owner = { tenantId: identity.tenantId, userId: identity.userId }
    const begun = await startExchange(tx, owner, {
      conversationId: admission.id,
      request: admission.body,
      defaultDeployment: services.llm.defaultDeployment,
      deployments: services.config.llm.deployments,
    })
    if (!begun.ok) return begun
    const { exchange } = begun
    const prompt = buildPrompt({
      systemPrompt: exchange.systemPrompt,
      history: exchange.history,
      userMessage: exchange.userText,
      contextTokens: services.llm.contextTokens,
    })
    // In the same transaction: a question is never stored without its mapping, nor the reverse.
    const guarded = await protectPrompt(tx, owner, services.pseudonymSealer, {
      scope: { kind: 'conversation', id: exchange.conversationId },
      viewKey: exchange.assistantMessageId,
      messages: prompt.messages,
      clinic: exchange.clinic,
    })
    return {
      ok: true as const,
      exchange,
      messages: guarded.messages,
      restore: restorerFor(guarded.pseudonymiser),
      mapped: guarded.mapped,
    }
  })
  if (!started.ok) return started.response
  const { identity, value: prepared } = started
  if (!prepared.ok) return refuse(REFUSAL_STATUS[prepared.refusal], prepared.refusal)
  return streamAnswer(services, clientGone, identity, prepared, requestId)
}

interface PreparedAnswer {
  exchange: Exchange
  /** The prompt as it goes to the model (pseudonymised when the clinic has it on). */
  messages: PromptMessage[]
  restore: OutputRestorer | undefined
  mapped: number
}

function streamAnswer(
  services: AppContext,
  clientGone: AbortSignal,
  identity: Identity,
  prepared: PreparedAnswer,
  requestId: string,
): Response {
  const { exchange } = prepared
  const upstream = new AbortController()
  const hangUp = () => upstream.abort()
  clientGone.addEventListener('abort', hangUp, { once: true })
  if (clientGone.aborted) hangUp()
  const stream = createEventStream<ChatEvent>(hangUp)
  // Once the client has gone there is nobody to tell; the answer is still stored.
  const send = (event: ChatEvent) => {
    if (!upstream.signal.aborted) stream.send(event)
  }

  send({
    type: 'start',
    conversationId: exchange.conversationId,
    userMessageId: exchange.userMessageId,
    assistantMessageId: exchange.assistantMessageId,
    title: exchange.title,
  })
  void runGeneration({
    llm: services.llm,
    logger: services.logger,
    deployment: exchange.deployment,
    messages: prepared.messages,
    estimatedPromptTokens: estimatePromptTokens(prepared.messages),
    restore: prepared.restore,
    signal: upstream.signal,
    live: services.generations,
    store: answerStore(services, identity, exchange),
    onDelta: (text) => send({ type: 'delta', text }),
    telemetry: {
      span: 'chat.completion',
      what: 'chat answer',
      attributes: {
        'clinai.request_id': requestId,
        'clinai.tenant_id': identity.tenantId,
        'clinai.conversation_id': exchange.conversationId,
        'clinai.message_id': exchange.assistantMessageId,
        'clinai.pseudonymised': prepared.restore !== undefined,
        'clinai.pseudonyms.mapped': prepared.mapped,
      },
      log: { requestId, tenantId: identity.tenantId, messageId: exchange.assistantMessageId },
    },
  })
    .then((result) => {
      // Only now, with the answer stored, does the client hear that it is over.
      const assistantMessageId = exchange.assistantMessageId
      if (result.ending.status === 'complete') {
        send({
          type: 'done',
          assistantMessageId,
          status: 'complete',
          finishReason: result.ending.finishReason,
          usage: result.usage,
        })
      } else if (result.ending.status === 'error') {
        const code = result.ending.code
        send({ type: 'error', assistantMessageId, status: 'error', code, message: code })
      } else if (result.stoppedBy === 'shutdown') {
        // The client is still there: it hears that the answer stopped and is stored so far.
        send({
          type: 'stopped',
          assistantMessageId,
          status: 'stopped',
          reason: 'server_shutdown',
          usage: result.usage,
        })
      }
    })
    .finally(() => {
      clientGone.removeEventListener('abort', hangUp)
      stream.close()
    })
  return stream.response
}

/** The chat answer's row: progress and its ending, each in the caller's own transaction. */
function answerStore(services: AppContext, identity: Identity, exchange: Exchange): GenerationStore {
  const owner = { tenantId: identity.tenantId, userId: identity.userId }
  const inTenant = <T>(work: (tx: Tx) => Promise<T>) =>
    services.db.withTenant({ ...owner, role: identity.role }, work)
  return {
    openProgress: (snapshot) =>
      services.progress.open(
        answerProgress,
        { ...owner, role: identity.role },
        exchange.assistantMessageId,
        snapshot,
      ),
    finish: (outcome) =>
      inTenant((tx) =>
        finishExchange(tx, owner, {
          conversationId: exchange.conversationId,
          messageId: exchange.assistantMessageId,
          content: outcome.content,
          ending: outcome.ending,
          usage: outcome.usage,
        }),
      ),
  }
}
