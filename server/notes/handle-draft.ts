// `POST /api/notes/:noteId/draft`, the transport: checks the caller, the input, the rate limit
// (the chat's), the note and the budget (refusing with JSON before any model call), then writes
// the planned sections one after another, each through runGeneration (the chat's path: progress
// saves, heartbeat, stop on abort, usage, a terminal state), streaming events (./events.ts).
// Each section's prompt is pseudonymised first (the note's own placeholders, its patient
// reference among them), and the section's placeholders are restored as it streams.
import { z } from 'zod'
import type { Tx } from '#db/client.ts'
import { authenticateRequest } from '#server/auth/authenticate.ts'
import type { Identity } from '#server/auth/identity.ts'
import { refuse as refuseChat, refusingWhenDatabaseUnavailable } from '#server/chat/chat-request.ts'
import { createEventStream } from '#server/chat/event-stream.ts'
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

const MAX_BODY_BYTES = 4 * 1024
const REFUSAL_STATUS: Record<DraftRefusal, number> = {
  not_found: 404,
  note_signed: 409,
  busy: 409,
  budget_exhausted: 409,
  user_budget_exhausted: 409,
  nothing_to_draft: 409,
}
const draftRequestSchema = z.strictObject({ sectionId: z.uuid().optional() })

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
  if (request.method !== 'POST') {
    return refuse(405, 'invalid_input', { reason: 'method_not_allowed', headers: { allow: 'POST' } })
  }
  const { identity, failure } = await authenticateRequest(services, request)
  if (!identity) {
    return refuse(401, 'unauthenticated', { headers: failure ? { 'www-authenticate': 'Bearer' } : {} })
  }
  if (!noteId || !z.uuid().safeParse(noteId).success) return refuse(404, 'not_found')
  const input = await readDraftRequest(request)
  if (!input.ok) return refuse(400, 'invalid_input', { reason: input.problem })
  const decision = await services.chatRateLimiter.take(identity.tenantId, identity.userId)
  if (!decision.allowed) {
    return refuse(429, 'rate_limited', {
      headers: { 'retry-after': String(decision.retryAfterSeconds) },
      retryAfterSeconds: decision.retryAfterSeconds,
    })
  }
  const owner = { tenantId: identity.tenantId, userId: identity.userId }
  const planned = await services.db.withTenant({ ...owner, role: identity.role }, (tx) =>
    planDraft(tx, owner, {
      noteId,
      sectionId: input.value.sectionId,
      defaultDeployment: services.llm.defaultDeployment,
    }),
  )
  if (!planned.ok) return refuse(REFUSAL_STATUS[planned.refusal], planned.refusal)
  return streamDraft(services, clientGone, identity, planned.plan, requestId)
}

async function readDraftRequest(
  request: Request,
): Promise<{ ok: true; value: { sectionId?: string } } | { ok: false; problem: ChatInputProblem }> {
  const type = request.headers.get('content-type') ?? ''
  if (!/^application\/json\b/i.test(type)) return { ok: false, problem: 'unsupported_media_type' }
  let text: string
  try {
    const body = await request.arrayBuffer()
    if (body.byteLength > MAX_BODY_BYTES) return { ok: false, problem: 'body_too_large' }
    text = new TextDecoder().decode(body)
  } catch {
    return { ok: false, problem: 'body_unreadable' }
  }
  let json: unknown
  try {
    json = text.trim() === '' ? {} : JSON.parse(text)
  } catch {
    return { ok: false, problem: 'invalid_json' }
  }
  const parsed = draftRequestSchema.safeParse(json)
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, problem: 'invalid_shape' }
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
