// The sign-in machinery the server hands to routes: a remix-auth Authenticator
// with the OIDC strategy. Provisioning and the session happen in sign-in.ts,
// called by the callback route with the verified claims.
import { Authenticator } from 'remix-auth'
import type { Config } from '#server/config/env.ts'
import { OidcStrategy, type VerifiedSignIn } from './oidc.ts'

export interface AuthServices {
  authenticator: Authenticator<VerifiedSignIn>
  strategy: OidcStrategy<VerifiedSignIn>
}

export function createAuth(config: Config): AuthServices {
  const strategy = new OidcStrategy<VerifiedSignIn>(config, async (verified) => verified)
  const authenticator = new Authenticator<VerifiedSignIn>()
  authenticator.use(strategy)
  return { authenticator, strategy }
}
