// The per-request context every procedure starts from. The HTTP handler reads the
// credential here (no round trip); a tenant procedure checks it as the first statement of
// its own transaction (init.ts). Server-side callers (loaders) hand in a checked identity.
import type { Credential } from '#server/auth/authenticate.ts'
import type { AuthFailure, Identity } from '#server/auth/identity.ts'
import type { AppContext } from '#server/app-context.ts'

export interface TrpcContext {
  services: AppContext
  requestId: string
  /** A checked identity (server-side callers), or null. */
  identity: Identity | null
  /**
   * The request's credential, not yet checked: each tenant procedure checks it inside its
   * transaction, other kinds on their own. Null for anonymous requests and server-side callers.
   */
  credential: Credential | null
  /** Set when the request carried a credential that was refused (a 401, even on public procedures). */
  authFailure: AuthFailure | null
  /** Response headers a procedure wants to set (e.g. retry-after). */
  resHeaders?: Headers
}

export interface ContextInput {
  services: AppContext
  requestId: string
  identity: Identity | null
  credential?: Credential | null
  authFailure?: AuthFailure | null
  resHeaders?: Headers
}

export function createContext(input: ContextInput): TrpcContext {
  return {
    services: input.services,
    requestId: input.requestId,
    identity: input.identity,
    credential: input.credential ?? null,
    authFailure: input.authFailure ?? null,
    resHeaders: input.resHeaders,
  }
}
