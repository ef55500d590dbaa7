// Request → identity, for pages, the tRPC API and the chat stream alike.
// `Authorization: Bearer <personal access token>` wins over the cookie; a
// presented but refused credential is reported so callers answer 401.
//
// Reading a credential needs no database: the signed cookie and the token both carry their
// clinic. Checking it is one statement (checkSession/checkToken) that also sets the clinic,
// person and role of its transaction, so a request checks its credential as the first
// statement of its own work (withCredential) instead of in a transaction of its own first.
import { LRUCache } from 'lru-cache'
import type { Tx } from '#db/client.ts'
import type { AppContext } from '#server/app-context.ts'
import type { Config } from '#server/config/env.ts'
import type { AuthFailure, Identity } from './identity.ts'
import { checkSession, readSessionCookie } from './sessions.ts'
import { checkToken, parseToken } from './tokens.ts'

export interface Authentication {
  identity: Identity | null
  failure: AuthFailure | null
}

/** A credential as presented, signature or format checked, not yet looked up. */
export type Credential =
  | { via: 'session'; tenantId: string; sessionId: string }
  | { via: 'token'; tenantId: string; secretHash: string }

export interface PresentedCredential {
  credential: Credential | null
  failure: AuthFailure | null
}

const MAX_AUTHORIZATION_LENGTH = 512

/** The request's credential without a round trip; a malformed or unknown-format one is a failure. */
export async function readCredential(config: Config, request: Request): Promise<PresentedCredential> {
  const authorization = request.headers.get('authorization')
  if (authorization !== null) {
    const match = /^Bearer ([\x21-\x7e]+)$/.exec(authorization)
    if (!match || authorization.length > MAX_AUTHORIZATION_LENGTH) {
      return { credential: null, failure: 'malformed_authorization' }
    }
    const token = parseToken(match[1]!)
    if (!token) return { credential: null, failure: 'invalid_credentials' }
    return { credential: { via: 'token', ...token }, failure: null }
  }
  const ref = await readSessionCookie(config, request.headers.get('cookie'))
  // No cookie, or an unsigned or tampered one: simply anonymous.
  return { credential: ref ? { via: 'session', ...ref } : null, failure: null }
}

/** What a refused credential means: a token is a 401, a dead session is just "signed out". */
export function refusal(credential: Credential): Authentication {
  return { identity: null, failure: credential.via === 'token' ? 'invalid_credentials' : null }
}

/** The credential's check as the transaction's first statement (it sets clinic, person and role). */
function check(tx: Tx, config: Config, credential: Credential): Promise<Identity | null> {
  return credential.via === 'token'
    ? checkToken(tx, credential)
    : checkSession(tx, config, { tenantId: credential.tenantId, sessionId: credential.sessionId })
}

/**
 * Checks the credential and runs `work` in the same transaction, under the person's clinic,
 * user and role; null when the credential is refused (then nothing ran and nothing changed).
 */
export async function withCredential<T>(
  services: AppContext,
  credential: Credential,
  work: (tx: Tx, identity: Identity) => Promise<T>,
): Promise<{ identity: Identity; value: T } | null> {
  const owners = services.credentialOwners
  const result = await services.db.withAuthenticated((tx) => check(tx, services.config, credential), work)
  if (!result) {
    owners.forget(credential)
    return null
  }
  owners.remember(credential, result.who)
  return { identity: result.who, value: result.value }
}

/** The credential checked on its own (begin, the check, commit), for callers with no work to join. */
export async function resolveCredential(
  services: AppContext,
  credential: Credential,
): Promise<Identity | null> {
  const result = await withCredential(services, credential, async () => undefined)
  return result?.identity ?? null
}

export async function authenticateRequest(services: AppContext, request: Request): Promise<Authentication> {
  const { credential, failure } = await readCredential(services.config, request)
  if (!credential) return { identity: null, failure }
  const identity = await resolveCredential(services, credential)
  return identity ? { identity, failure: null } : refusal(credential)
}

/** Whose credential it is: the keys of the per-person and per-token rate limits. */
export interface CredentialOwner {
  tenantId: string
  userId: string
  /** The session (hashed id) or token id. */
  credentialId: string
}

/**
 * Which person a credential belongs to, as last checked in this process. A session's or a token's
 * person never changes, so this only tells a request whose rate limit to take before its
 * transaction checks the credential; it never admits anyone (a revoked, expired or disabled
 * credential is refused by that check, and its entry dropped). Identifiers only, bounded.
 */
export class CredentialOwners {
  readonly #owners = new LRUCache<string, CredentialOwner>({ max: 20_000 })

  get(credential: Credential): CredentialOwner | undefined {
    return this.#owners.get(keyOf(credential))
  }

  remember(credential: Credential, identity: Identity): void {
    const key = keyOf(credential)
    if (this.#owners.has(key)) return
    this.#owners.set(key, {
      tenantId: identity.tenantId,
      userId: identity.userId,
      credentialId: identity.credentialId,
    })
  }

  forget(credential: Credential): void {
    this.#owners.delete(keyOf(credential))
  }
}

function keyOf(credential: Credential): string {
  return credential.via === 'token'
    ? `t:${credential.tenantId}:${credential.secretHash}`
    : `s:${credential.tenantId}:${credential.sessionId}`
}
