// The door of every streamed generation (`POST /api/chat/:id`, `POST /api/notes/:id/draft`):
// the method, the caller's credential, the id as a UUID, the JSON body against its schema and
// the chat's rate limit, each refused with the chat's JSON refusal before anything is stored
// or any model is called. The credential's own check is the first statement of the caller's
// start transaction (inAdmittedTransaction), so admitting a known caller costs only the rate
// limit's round trip.
import { z } from 'zod'
import type { Tx } from '#db/client.ts'
import {
  readCredential,
  resolveCredential,
  withCredential,
  type Credential,
} from '#server/auth/authenticate.ts'
import type { Identity } from '#server/auth/identity.ts'
import type { AppContext } from '#server/app-context.ts'
import type { ChatInputProblem } from '#server/contract/codes.ts'
import { isChatInputProblem } from '#server/contract/codes.ts'
import { refuse } from './chat-request.ts'

/** What a stream's body must be. */
export interface StreamBody<T> {
  /** Issue messages that are ChatInputProblem codes are reported as the reason; others as `invalid_shape`. */
  schema: z.ZodType<T>
  maxBytes: number
  /** What an empty body stands for; without it an empty body is `invalid_json`. */
  whenEmpty?: unknown
}

export interface Admission<T> {
  /** Read and known, checked again (and the person's role read) in the start transaction. */
  credential: Credential
  /** The path's id, a UUID. */
  id: string
  body: T
}

export type Admitted<T> = { ok: true; admission: Admission<T> } | { ok: false; response: Response }

const unauthenticated = (credential: Credential | null, failure: boolean) =>
  refuse(401, 'unauthenticated', {
    headers: failure || credential?.via === 'token' ? { 'www-authenticate': 'Bearer' } : {},
  })

export async function admitStreamRequest<T>(
  services: AppContext,
  request: Request,
  id: string | undefined,
  spec: StreamBody<T>,
): Promise<Admitted<T>> {
  const refused = (response: Response) => ({ ok: false as const, response })
  if (request.method !== 'POST') {
    return refused(refuse(405, 'invalid_input', { reason: 'method_not_allowed', headers: { allow: 'POST' } }))
  }
  const { credential, failure } = await readCredential(services.config, request)
  if (!credential) return refused(unauthenticated(null, failure !== null))
  // Whose credential: as last checked in this process, or checked now. A refusal below is only
  // sent once the credential is known good, so a revoked or expired one still gets its 401.
  let owner = services.credentialOwners.get(credential)
  let checked = false
  if (!owner) {
    owner = (await resolveCredential(services, credential)) ?? undefined
    if (!owner) return refused(unauthenticated(credential, false))
    checked = true
  }
  const stillGood = async () => checked || (await resolveCredential(services, credential)) !== null
  const refusing = async (response: Response) =>
    refused((await stillGood()) ? response : unauthenticated(credential, false))

  if (!id || !z.uuid().safeParse(id).success) return refusing(refuse(404, 'not_found'))
  const body = await readBody(request, spec)
  if (!body.ok) return refusing(refuse(400, 'invalid_input', { reason: body.problem }))
  const decision = await services.chatRateLimiter.take(owner.tenantId, owner.userId)
  if (!decision.allowed) {
    return refusing(
      refuse(429, 'rate_limited', {
        headers: { 'retry-after': String(decision.retryAfterSeconds) },
        retryAfterSeconds: decision.retryAfterSeconds,
      }),
    )
  }
  return { ok: true, admission: { credential, id, body: body.value } }
}

/**
 * The stream's start (its checks and what it stores first) in one transaction whose first
 * statement checks the admitted credential; a credential refused there is the 401.
 */
export async function inAdmittedTransaction<T>(
  services: AppContext,
  admission: Admission<unknown>,
  work: (tx: Tx, identity: Identity) => Promise<T>,
): Promise<{ ok: true; identity: Identity; value: T } | { ok: false; response: Response }> {
  const result = await withCredential(services, admission.credential, work)
  if (!result) return { ok: false, response: unauthenticated(admission.credential, false) }
  return { ok: true, ...result }
}

async function readBody<T>(
  request: Request,
  spec: StreamBody<T>,
): Promise<{ ok: true; value: T } | { ok: false; problem: ChatInputProblem }> {
  const body = await readJson(request, spec)
  if (!body.ok) return body
  const parsed = spec.schema.safeParse(body.value)
  if (!parsed.success) {
    const problem = parsed.error.issues
      .map((issue) => issue.message)
      .find((message): message is ChatInputProblem => isChatInputProblem(message))
    return { ok: false, problem: problem ?? 'invalid_shape' }
  }
  return { ok: true, value: parsed.data }
}

async function readJson(
  request: Request,
  spec: StreamBody<unknown>,
): Promise<{ ok: true; value: unknown } | { ok: false; problem: ChatInputProblem }> {
  const type = request.headers.get('content-type') ?? ''
  if (!/^application\/json\b/i.test(type)) return { ok: false, problem: 'unsupported_media_type' }
  // The front door has read the body within its BODY_LIMITS already; this holds for any other caller too.
  const length = Number(request.headers.get('content-length') ?? 0)
  if (length > spec.maxBytes) return { ok: false, problem: 'body_too_large' }
  const chunks: Uint8Array[] = []
  let received = 0
  const reader = request.body?.getReader()
  try {
    for (let next = await reader?.read(); next && !next.done; next = await reader!.read()) {
      received += next.value.byteLength
      if (received > spec.maxBytes) {
        await reader!.cancel()
        return { ok: false, problem: 'body_too_large' }
      }
      chunks.push(next.value)
    }
  } catch {
    return { ok: false, problem: 'body_unreadable' }
  }
  const text = new TextDecoder().decode(Buffer.concat(chunks))
  if (spec.whenEmpty !== undefined && text.trim() === '') return { ok: true, value: spec.whenEmpty }
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch {
    return { ok: false, problem: 'invalid_json' }
  }
}
