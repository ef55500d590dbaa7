// The typed API for scripts: a tRPC client for /api/trpc that authenticates
// with a personal access token. Only the router's *type* is imported, so a
// script pulls in @trpc/client and nothing of the server.
//
//   const clinai = createClinaiClient({ baseUrl: 'http://localhost:3000', token: process.env.CLINAI_TOKEN })
//   const { items } = await clinai.conversations.list.query({ limit: 10 })
import {
  createTRPCClient,
  httpBatchLink,
  isTRPCClientError,
  TRPCClientError,
  type TRPCClient,
} from '@trpc/client'
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server'
import type { AppRouter } from '#server/trpc/root.ts'

export type { AppRouter }
export { TRPCClientError }

/** What each procedure takes, e.g. `RouterInputs['conversations']['list']`. */
export type RouterInputs = inferRouterInputs<AppRouter>
/** What each procedure answers, e.g. `RouterOutputs['messages']['list']['items'][number]`. */
export type RouterOutputs = inferRouterOutputs<AppRouter>

export type ClinaiClient = TRPCClient<AppRouter>

export interface ClinaiClientOptions {
  /** Where ClinAI runs, e.g. `https://clinai.example.org` or `http://localhost:3000`. */
  baseUrl: string
  /** A personal access token, `clinai_pat_…`. */
  token: string
  /** A fetch to use instead of the global one (a proxy agent, a test's recorder). */
  fetch?: typeof globalThis.fetch
}

/** Refused client options; the message says what to fix and never repeats the token. */
export class ClinaiClientError extends Error {
  override name = 'ClinaiClientError'
  constructor(
    /** The option at fault. */
    readonly option: 'baseUrl' | 'token' | 'fetch',
    message: string,
  ) {
    super(message)
  }
}

// The shape server/auth/tokens.ts issues; checked here so a pasted-wrong token
// fails before any request, with a message that says so.
const PAT_PATTERN = /^clinai_pat_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/

/** The tRPC endpoint for a ClinAI base URL; throws ClinaiClientError when it is not an http(s) URL. */
export function trpcEndpoint(baseUrl: unknown): string {
  if (typeof baseUrl !== 'string' || baseUrl.trim() === '') {
    throw new ClinaiClientError('baseUrl', 'baseUrl is required, e.g. "http://localhost:3000".')
  }
  let url: URL
  try {
    url = new URL(baseUrl.trim())
  } catch {
    // Not echoed: a mistyped value may hold a secret.
    throw new ClinaiClientError(
      'baseUrl',
      'baseUrl is not a URL; give one like "https://clinai.example.org".',
    )
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ClinaiClientError(
      'baseUrl',
      `baseUrl must start with http:// or https://, not ${url.protocol}//.`,
    )
  }
  if (url.username || url.password) {
    throw new ClinaiClientError(
      'baseUrl',
      'baseUrl must not carry a user name or password; the token authenticates.',
    )
  }
  if (url.search || url.hash) {
    throw new ClinaiClientError('baseUrl', 'baseUrl must not have a query (?…) or fragment (#…).')
  }
  // A path prefix (ClinAI behind a proxy under /clinai) is kept.
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}/api/trpc`
}

/** Throws ClinaiClientError unless the value looks like a personal access token. */
export function requireToken(token: unknown): string {
  if (typeof token !== 'string' || token.trim() === '') {
    throw new ClinaiClientError(
      'token',
      'token is required: a personal access token that starts with clinai_pat_.',
    )
  }
  const trimmed = token.trim()
  if (/^bearer\s/i.test(trimmed)) {
    throw new ClinaiClientError('token', 'token must be the token alone, without "Bearer ".')
  }
  if (!PAT_PATTERN.test(trimmed)) {
    throw new ClinaiClientError(
      'token',
      'token does not look like a ClinAI personal access token (clinai_pat_ followed by 32 hex digits, "_" and 43 characters); was it copied whole?',
    )
  }
  return trimmed
}

export function createClinaiClient(options: ClinaiClientOptions): ClinaiClient {
  if (typeof options !== 'object' || options === null) {
    throw new ClinaiClientError('baseUrl', 'createClinaiClient needs { baseUrl, token }.')
  }
  const url = trpcEndpoint(options.baseUrl)
  const token = requireToken(options.token)
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw new ClinaiClientError('fetch', 'fetch, when given, must be a function.')
  }
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url,
        headers: () => ({ authorization: `Bearer ${token}` }),
        fetch: options.fetch,
        // Batched queries travel in the URL; longer batches are split rather than refused.
        maxURLLength: 4000,
      }),
    ],
  })
}

/** The tRPC error code of a failed call (`UNAUTHORIZED`, `NOT_FOUND`, …), or null for other errors. */
export function errorCode(error: unknown): string | null {
  if (!isTRPCClientError<AppRouter>(error)) return null
  return error.data?.code ?? null
}
