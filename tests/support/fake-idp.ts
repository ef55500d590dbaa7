// A hostile-capable OpenID Connect peer for the sign-in tests: real discovery,
// JWKS and token endpoints over HTTP, with ID tokens the test shapes at will
// (wrong issuer, wrong audience, expired, alg none, tampered signature...).
// The happy path is also proven against the real bundled provider in e2e.
import { createHash } from 'node:crypto'
import http from 'node:http'
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose'

export interface IdTokenRequest {
  nonce: string
  issuer: string
  clientId: string
}

export type IdTokenFactory = (request: IdTokenRequest, sign: Signer) => Promise<string>

export interface Signer {
  /** Signs with the key published in the JWKS. */
  (payload: JWTPayload, options?: { alg?: string; kid?: string }): Promise<string>
  /** Signs with a key the JWKS does not have, under the published kid. */
  withUnknownKey(payload: JWTPayload): Promise<string>
}

export interface FakeIdp {
  issuer: string
  clientId: string
  clientSecret: string
  /** How the next ID tokens are made; defaults to a valid token for `claims`. */
  idToken: IdTokenFactory | null
  claims: Record<string, unknown>
  /** The nonce of the authorization request the test is answering (parsed from our redirect). */
  nonce: string
  /** The PKCE challenge the test saw; the token endpoint refuses a verifier that does not match. */
  codeChallenge: string
  tokenRequests: URLSearchParams[]
  close(): Promise<void>
}

export async function startFakeIdp(): Promise<FakeIdp> {
  const { publicKey, privateKey } = await generateKeyPair('RS256')
  const other = await generateKeyPair('RS256')
  const jwk = { ...(await exportJWK(publicKey)), kid: 'fake-key-1', alg: 'RS256', use: 'sig' }

  const server = http.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  const issuer = `http://localhost:${port}`

  const sign = (async (payload: JWTPayload, options: { alg?: string; kid?: string } = {}) =>
    new SignJWT(payload)
      .setProtectedHeader({ alg: options.alg ?? 'RS256', kid: options.kid ?? jwk.kid })
      .sign(privateKey)) as Signer
  sign.withUnknownKey = (payload) =>
    new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: jwk.kid }).sign(other.privateKey)

  const idp: FakeIdp = {
    issuer,
    clientId: 'clinai-test-client',
    clientSecret: 'clinai-test-secret',
    idToken: null,
    claims: {},
    nonce: '',
    codeChallenge: '',
    tokenRequests: [],
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    const url = new URL(req.url ?? '/', issuer)
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      })
    }
    if (url.pathname === '/jwks') return json(200, { keys: [jwk] })
    if (url.pathname === '/token' && req.method === 'POST') {
      let body = ''
      for await (const chunk of req) body += chunk
      const params = new URLSearchParams(body)
      idp.tokenRequests.push(params)
      const verifier = params.get('code_verifier') ?? ''
      const challenge = createHash('sha256').update(verifier).digest('base64url')
      if (!verifier || challenge !== idp.codeChallenge) {
        return json(400, { error: 'invalid_grant', error_description: 'PKCE verification failed' })
      }
      if (params.get('client_secret') !== idp.clientSecret && !req.headers.authorization) {
        return json(401, { error: 'invalid_client' })
      }
      const request = { nonce: idp.nonce, issuer, clientId: idp.clientId }
      const idToken = idp.idToken
        ? await idp.idToken(request, sign)
        : await validIdToken(request, sign, idp.claims)
      return json(200, {
        access_token: 'fake-access-token',
        token_type: 'Bearer',
        expires_in: 300,
        id_token: idToken,
      })
    }
    json(404, { error: 'not_found' })
  }
  server.on('request', (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500)
      res.end()
    })
  })
  return idp
}

export function validIdToken(
  request: IdTokenRequest,
  sign: Signer,
  claims: Record<string, unknown>,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  return sign({
    iss: request.issuer,
    aud: request.clientId,
    sub: 'subject-default',
    iat: now,
    exp: now + 300,
    nonce: request.nonce,
    ...claims,
  })
}
