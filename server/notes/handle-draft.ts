// `POST /api/notes/:noteId/draft`, the transport: checks the caller, the input, the rate limit
// (the chat's), the note and the budget (refusing with JSON before any model call), then writes
// the planned sections one after another, each through runGeneration (the chat's path: progress
// saves, heartbeat, stop on abort, usage, a terminal state), streaming events (./events.ts).
// Each section's prompt is pseudonymised first (the note's own placeholders, its patient
// reference among them), and the section's placeholders are restored as it streams.
import { z } from 'zod'
import type { Tx } from '#db/client.ts'
import type { Identity } from '#server/auth/identity.ts'
import { refuse as refuseChat, refusingWhenDatabaseUnavailable } from '#server/chat/chat-request.ts'
import { createEventStream } from '#server/chat/event-stream.ts'
import { admitStreamRequest, inAdmittedTransaction } from '#server/chat/stream-admission.ts'
import type { ChatInputProblem, DraftRefusalCode } from '#server/contract/codes.ts'
import type { AppContext } from '#server/app-context.ts'
import {
  beginSection,
  finishSection,
  planDraft,
  sectionProgress,
  type DraftPlan,
  type DraftRefusal,
} from '#server/services/notes/draft.ts'
import { runGeneration, type GenerationStore } from '#server/services/generation/generation.ts'
import { protectPrompt, restorerFor } from '#server/services/pseudonymise/store.ts'
import { estimatePromptTokens } from '#server/llm/prompt.ts'
import type { DraftEvent } from './events.ts'

const REFUSAL_STATUS: Record<DraftRefusal, number> = {
  not_found: 404,
  note_signed: 409,
  busy: 409,
  budget_exhausted: 409,
  user_budget_exhausted: 409,
  nothing_to_draft: 409,
}
/** `{}` (every planned section) or `{ sectionId }`; an empty body is `{}`. */
const draftRequestBody = {
  schema: z.strictObject({ sectionId: z.uuid().optional() }),
  maxBytes: 4 * 1024,
  whenEmpty: {},
}

// The chat's refusal shape and headers, with the draft's codes.
const refuse = (
  status: number,
  code: DraftRefusalCode,
  options: { reason?: ChatInputProblem; headers?: Record<string, string>; retryAfterSeconds?: number } = {},
) => refuseChat(status, code as Parameters<typeof refuseChat>[1], options)

export function handleDraftRequest(
  services: AppContext,
  request: Request,
  noteId: string | undefined,
  requestId: string,
  /** Aborted when the client goes away (the load context's `clientGone`, not `request.signal`). */
  clientGone: AbortSignal,
): Promise<Response> {
  // While the database is unreachable: 503 `database_unavailable`, as the chat answers it.
  return refusingWhenDatabaseUnavailable(() =>
    checkAndDraft(services, request, noteId, requestId, clientGone),
  )
}

async function checkAndDraft(
  services: AppContext,
  request: Request,
  noteId: string | undefined,
  requestId: string,
  clientGone: AbortSignal,
): Promise<Response> {
  const admitted = await admitStreamRequest(services, request, noteId, draftRequestBody)
  if (!admitted.ok) return admitted.response
  const { admission } = admitted
  // The credential's check is this transaction's first statement.
  const planned = await inAdmittedTransaction(services, admission, (tx, identity) =>
    planDraft(
      tx,
      { tenantId: identity.tenantId, userId: identity.userId },
      {
        noteId: admission.id,
        sectionId: admission.body.sectionId,
        defaultDeployment: services.llm.defaultDeployment,
      },
    ),
  )
  if (!planned.ok) return planned.response
  const { identity, value: plan } = planned
  if (!plan.ok) return refuse(REFUSAL_STATUS[plan.refusal], plan.refusal)
  return streamDraft(services, clientGone, identity, plan.plan, requestId)
}

function streamDraft(
  services: AppContext,
  clientGone: AbortSignal,
  identity: Identity,
  plan: DraftPlan,
  requestId: string,
): Response {
  const upstream = new AbortController()
  const hangUp = () => upstream.abort()
  clientGone.addEventListener('abort', hangUp, { once: true })
  if (clientGone.aborted) hangUp()
  const stream = createEventStream<DraftEvent>(hangUp)
  const send = (event: DraftEvent) => {
    if (!upstream.signal.aborted) stream.send(event)
  }
  const owner = { tenantId: identity.tenantId, userId: identity.userId }
  const inTenant = <T>(work: (tx: Tx) => Promise<T>) =>
    services.db.withTenant({ ...owner, role: identity.role }, work)

  const run = async () => {
    let written = 0
    for (const sectionId of plan.sectionIds) {
      // Stopped: the section being written ends `stopped`; the ones after it are not started.
      if (upstream.signal.aborted) break
      const begun = await inTenant(async (tx) => {
        const section = await beginSection(tx, owner, {
          noteId: plan.noteId,
          sectionId,
          model: plan.deployment,
        })
        if (!section.ok) return section
        const guarded = await protectPrompt(tx, owner, services.pseudonymSealer, {
          scope: { kind: 'note', id: plan.noteId },
          viewKey: sectionId,
          messages: section.start.messages,
          terms: [{ text: section.start.patientRef, category: 'REF' }],
        })
        return { ...section, guarded }
      })
      if (!begun.ok) {
        const code =
          begun.refusal === 'note_signed' ||
          begun.refusal === 'budget_exhausted' ||
          begun.refusal === 'user_budget_exhausted'
            ? begun.refusal
            : 'not_found'
        send({ type: 'section_error', sectionId, status: 'error', code })
        break
      }
      const { start, guarded } = begun
      send({ type: 'section_start', sectionId, key: start.key, title: start.title })
      const store: GenerationStore = {
        openProgress: (snapshot) =>
          services.progress.open(sectionProgress, { ...owner, role: identity.role }, sectionId, snapshot),
        finish: (outcome) =>
          inTenant((tx) =>
            finishSection(tx, owner, {
              sectionId,
              content: outcome.content,
              ending: outcome.ending,
              usage: outcome.usage,
            }),
          ),
      }
      const result = await runGeneration({
        llm: services.llm,
        logger: services.logger,
        deployment: plan.deployment,
        messages: guarded.messages,
        estimatedPromptTokens: estimatePromptTokens(guarded.messages),
        restore: restorerFor(guarded.pseudonymiser),
        signal: upstream.signal,
        store,
        onDelta: (text) => send({ type: 'delta', sectionId, text }),
        telemetry: {
          span: 'note.section',
          what: 'note section',
          attributes: {
            'clinai.request_id': requestId,
            'clinai.tenant_id': identity.tenantId,
            'clinai.note_id': plan.noteId,
            'clinai.note_section_id': sectionId,
            'clinai.pseudonymised': guarded.pseudonymiser !== null,
            'clinai.pseudonyms.mapped': guarded.mapped,
          },
          log: { requestId, tenantId: identity.tenantId, noteId: plan.noteId, sectionId },
        },
      })
      written++
      if (result.ending.status === 'complete') {
        send({
          type: 'section_done',
          sectionId,
          status: 'complete',
          finishReason: result.ending.finishReason,
          usage: result.usage,
        })
      } else if (result.ending.status === 'error') {
        send({ type: 'section_error', sectionId, status: 'error', code: result.ending.code })
      }
    }
    send({ type: 'done', noteId: plan.noteId, written })
  }
  run()
    .catch((error: unknown) => {
      services.logger.error({ requestId, err: { name: (error as Error).name } }, 'note draft failed')
    })
    .finally(() => {
      clientGone.removeEventListener('abort', hangUp)
      stream.close()
    })
  return stream.response
}
