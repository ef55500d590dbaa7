// The per-request context every procedure starts from. Authentication happens
// here, once; the procedure kinds in init.ts decide what a procedure requires.
import type { AuthFailure, Identity } from '#server/auth/identity.ts'
import type { AppContext } from '#server/app-context.ts'

export interface TrpcContext {
  services: AppContext
  requestId: string
  identity: Identity | null
  /** Set when the request carried a credential that was refused (a 401, even on public procedures). */
  authFailure: AuthFailure | null
  /** Response headers a procedure wants to set (e.g. retry-after). */
  resHeaders?: Headers
}

export interface ContextInput {
  services: AppContext
  requestId: string
  identity: Identity | null
  authFailure?: AuthFailure | null
  resHeaders?: Headers
}

export function createContext(input: ContextInput): TrpcContext {
  return {
    services: input.services,
    requestId: input.requestId,
    identity: input.identity,
    authFailure: input.authFailure ?? null,
    resHeaders: input.resHeaders,
  }
}
