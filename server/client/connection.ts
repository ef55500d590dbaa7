// What every part of the script client checks before a request: the base URL and the
// token, refused at once with a message that says what to fix and never repeats the token.

/** Refused client options; the message says what to fix and never repeats the token. */
export class ClinaiClientError extends Error {
  override name = 'ClinaiClientError'
  constructor(
    /** The option at fault. */
    readonly option: 'baseUrl' | 'token' | 'fetch' | 'conversationId' | 'content',
    message: string,
  ) {
    super(message)
  }
}

// The shape server/auth/tokens.ts issues; checked here so a pasted-wrong token
// fails before any request, with a message that says so.
const PAT_PATTERN = /^clinai_pat_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/

/** `<baseUrl>/api` for a ClinAI base URL; throws ClinaiClientError when it is not an http(s) URL. */
export function apiBase(baseUrl: unknown): string {
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
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}/api`
}

/** The tRPC endpoint for a ClinAI base URL; throws ClinaiClientError when it is not an http(s) URL. */
export function trpcEndpoint(baseUrl: unknown): string {
  return `${apiBase(baseUrl)}/trpc`
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

/** Throws ClinaiClientError unless the value is a function to use as fetch. */
export function requireFetch(value: unknown): typeof globalThis.fetch | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new ClinaiClientError('fetch', 'fetch, when given, must be a function.')
  }
  return value as typeof globalThis.fetch | undefined
}
