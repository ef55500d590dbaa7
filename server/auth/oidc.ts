// Sign-in with OpenID Connect (Azure AD B2C / Entra External ID in production,
// the bundled provider locally), as a remix-auth strategy: authorization code
// flow with PKCE (S256), state and nonce kept in a short-lived signed cookie,
// and the ID token verified against the issuer's JWKS (signature, iss, aud,
// exp, nonce) with jose, on top of openid-client's own checks.
import { createCookie } from '@remix-run/node'
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose'
import * as oidc from 'openid-client'
import { Strategy } from 'remix-auth/strategy'
import { z } from 'zod'
import type { Config } from '#server/config/env.ts'
import { signInReturnPath } from '#server/http/return-path.ts'

export type SignInFailure =
  | 'idp_error'
  | 'missing_transaction'
  | 'state_mismatch'
  | 'token_exchange_failed'
  | 'invalid_id_token'
  | 'missing_claims'
  | 'unknown_tenant'
  | 'user_disabled'
  | 'identity_conflict'

export class SignInError extends Error {
  constructor(
    readonly reason: SignInFailure,
    /** The clinic the attempt named, when it is a real one (for its audit trail). */
    readonly tenantId: string | null = null,
    readonly userId: string | null = null,
  ) {
    super(`sign-in refused: ${reason}`)
    this.name = 'SignInError'
  }
}

export interface VerifiedClaims {
  issuer: string
  subject: string
  email: string
  name: string
  tenantId: string | null
  role: string | null
}

const ALLOWED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512']
const TRANSACTION_MINUTES = 10

const transactionSchema = z.object({
  state: z.string().min(20).max(200),
  nonce: z.string().min(20).max(200),
  verifier: z.string().min(43).max(128),
  returnTo: z.string().max(2000),
})

function transactionCookie(config: Config) {
  return createCookie(config.session.secureCookie ? '__Host-clinai_oidc' : 'clinai_oidc', {
    httpOnly: true,
    secure: config.session.secureCookie,
    sameSite: 'lax',
    path: '/',
    secrets: config.session.secrets,
    maxAge: TRANSACTION_MINUTES * 60,
  })
}

/** What the strategy hands its verify function once the identity provider has vouched for someone. */
export interface VerifiedSignIn {
  claims: VerifiedClaims
  returnTo: string
}

export class OidcStrategy<User> extends Strategy<User, VerifiedSignIn> {
  name = 'oidc'
  private discovered: Promise<oidc.Configuration> | null = null
  private jwks: ReturnType<typeof createRemoteJWKSet> | null = null

  constructor(
    private readonly config: Config,
    verify: Strategy.VerifyFunction<User, VerifiedSignIn>,
  ) {
    super(verify)
  }

  private configuration(): Promise<oidc.Configuration> {
    const { issuer, clientId, clientSecret } = this.config.auth
    this.discovered ??= oidc
      .discovery(
        new URL(issuer),
        clientId,
        { client_secret: clientSecret, id_token_signed_response_alg: 'RS256' },
        oidc.ClientSecretPost(clientSecret),
        // Plain http is only ever allowed outside production (config refuses it there).
        issuer.startsWith('http://')
          ? { execute: [oidc.allowInsecureRequests], timeout: 10 }
          : { timeout: 10 },
      )
      .catch((error: unknown) => {
        this.discovered = null
        throw error
      })
    return this.discovered
  }

  /** Starts a sign-in: returns the redirect to the identity provider with the transaction cookie. */
  async start(returnTo: string): Promise<Response> {
    const configuration = await this.configuration()
    const verifier = oidc.randomPKCECodeVerifier()
    const transaction = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      verifier,
      returnTo: signInReturnPath(returnTo),
    }
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: this.config.auth.redirectUri,
      scope: this.config.auth.scopes,
      response_type: 'code',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: transaction.state,
      nonce: transaction.nonce,
      // Clinic workstations are shared: always ask who is signing in.
      prompt: 'login',
    })
    return new Response(null, {
      status: 302,
      headers: {
        location: url.href,
        'set-cookie': await transactionCookie(this.config).serialize(transaction),
        'cache-control': 'no-store',
      },
    })
  }

  /** Set-Cookie value that ends the sign-in transaction. */
  clearTransactionCookie(): Promise<string> {
    return transactionCookie(this.config).serialize('', { maxAge: 0, expires: new Date(0) })
  }

  async authenticate(request: Request): Promise<User> {
    const params = new URL(request.url).searchParams
    if (!params.has('code') && !params.has('error')) {
      throw await this.start(params.get('returnTo') ?? '/')
    }
    if (params.has('error')) throw new SignInError('idp_error')

    const parsed = transactionSchema.safeParse(
      await transactionCookie(this.config).parse(request.headers.get('cookie')),
    )
    // No transaction means no PKCE verifier, state or nonce of ours: refuse.
    if (!parsed.success) throw new SignInError('missing_transaction')
    const transaction = parsed.data
    if (params.get('state') !== transaction.state) throw new SignInError('state_mismatch')

    const configuration = await this.configuration()
    // Build the callback URL from configuration, not from proxy headers.
    const callbackUrl = new URL(this.config.auth.redirectUri)
    callbackUrl.search = params.toString()
    let idToken: string | undefined
    try {
      const tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: transaction.verifier,
        expectedState: transaction.state,
        expectedNonce: transaction.nonce,
        idTokenExpected: true,
      })
      idToken = tokens.id_token
    } catch (error) {
      throw new SignInError(isIdTokenProblem(error) ? 'invalid_id_token' : 'token_exchange_failed')
    }
    if (!idToken) throw new SignInError('invalid_id_token')

    const payload = await this.verifyIdToken(configuration, idToken, transaction.nonce)
    return this.verify({ claims: this.claimsOf(payload), returnTo: signInReturnPath(transaction.returnTo) })
  }

  private async verifyIdToken(configuration: oidc.Configuration, idToken: string, nonce: string) {
    const metadata = configuration.serverMetadata()
    if (!metadata.jwks_uri) throw new SignInError('invalid_id_token')
    this.jwks ??= createRemoteJWKSet(new URL(metadata.jwks_uri), { timeoutDuration: 10_000 })
    try {
      const { payload } = await jwtVerify(idToken, this.jwks, {
        issuer: metadata.issuer,
        audience: this.config.auth.clientId,
        algorithms: ALLOWED_ALGORITHMS,
        requiredClaims: ['sub', 'exp', 'iat', 'nonce'],
        clockTolerance: 30,
      })
      if (payload.nonce !== nonce) throw new SignInError('invalid_id_token')
      return payload
    } catch (error) {
      if (error instanceof SignInError) throw error
      throw new SignInError('invalid_id_token')
    }
  }

  private claimsOf(payload: JWTPayload): VerifiedClaims {
    const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '')
    const email = text(payload.email) || text((payload.emails as unknown[] | undefined)?.[0])
    const tenantId = text(payload[this.config.auth.tenantClaim]) || null
    const role = text(payload[this.config.auth.roleClaim]) || null
    if (!payload.sub || !email || !payload.iss) throw new SignInError('missing_claims')
    return {
      issuer: payload.iss,
      subject: payload.sub,
      email: email.toLowerCase().slice(0, 320),
      name: (text(payload.name) || email).slice(0, 200),
      tenantId,
      role,
    }
  }
}

/**
 * openid-client reports what the provider refused (ResponseBodyError: invalid_grant and the
 * like) apart from what it refused itself in the provider's answer (ClientError OAUTH_*:
 * a bad ID token, wrong iss/aud/nonce, unsupported alg).
 */
function isIdTokenProblem(error: unknown): boolean {
  if (!(error instanceof Error) || error.name === 'ResponseBodyError') return false
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' && code.startsWith('OAUTH_')
}
