// Request → identity, for pages, the tRPC API and the chat stream alike.
// `Authorization: Bearer <personal access token>` wins over the cookie; a
// presented but refused credential is reported so callers answer 401.
import type { AppContext } from '#server/app-context.ts'
import type { AuthFailure, Identity } from './identity.ts'
import { readSessionCookie, resolveSession } from './sessions.ts'
import { resolveToken } from './tokens.ts'

export interface Authentication {
  identity: Identity | null
  failure: AuthFailure | null
}

const MAX_AUTHORIZATION_LENGTH = 512

export async function authenticateRequest(services: AppContext, request: Request): Promise<Authentication> {
  const authorization = request.headers.get('authorization')
  if (authorization !== null) {
    const match = /^Bearer ([\x21-\x7e]+)$/.exec(authorization)
    if (!match || authorization.length > MAX_AUTHORIZATION_LENGTH) {
      return { identity: null, failure: 'malformed_authorization' }
    }
    const identity = await resolveToken(services.db, match[1]!)
    return identity ? { identity, failure: null } : { identity: null, failure: 'invalid_credentials' }
  }
  const ref = await readSessionCookie(services.config, request.headers.get('cookie'))
  if (!ref) return { identity: null, failure: null }
  // An expired or revoked session is just "signed out": pages send the person to sign in.
  return { identity: await resolveSession(services.db, services.config, ref), failure: null }
}
