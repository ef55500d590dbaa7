// The one rule for a redirect target that came from a request (a `returnTo`
// query parameter, a form's `redirectTo`): only a path on this site, after
// reading it the way a browser will. Browsers drop tabs and line breaks from
// URLs and treat `\` as `/`, so `/\t/evil.example` and `/\evil.example` both
// leave the site; resolving against a placeholder origin with the WHATWG URL
// parser, which applies the same rules, and comparing origins catches every
// such form without a list of tricks.

const PLACEHOLDER_ORIGIN = 'https://clinai.invalid'
/** Longest return path kept; anything longer is not one of our links. */
export const MAX_RETURN_PATH_LENGTH = 2000

// C0 controls, DEL and C1 controls. Tab, LF and CR are removed by browsers; the others
// are invalid in a Location header and answered 500 before this check existed.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/

/**
 * The same-origin path (`/a/b?c#d`) a value points to, normalised and safe to put in
 * a `Location` header, or null when it is not one (another site, a scheme, a
 * protocol-relative or backslash form, an encoded `//`, a control character).
 * `within` narrows it further to one part of the site (`/app`).
 */
export function safeReturnPath(value: unknown, options: { within?: string } = {}): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_RETURN_PATH_LENGTH) return null
  if (CONTROL_CHARACTERS.test(value)) return null
  if (!value.startsWith('/')) return null
  let url: URL
  try {
    url = new URL(value, PLACEHOLDER_ORIGIN)
  } catch {
    return null
  }
  if (url.origin !== PLACEHOLDER_ORIGIN) return null
  // `/%2F%2Fevil.example` stays on this site in the browser, but any later step that
  // decodes the path once (a proxy, another redirect) would make it protocol-relative.
  let decoded: string
  try {
    decoded = decodeURIComponent(url.pathname)
  } catch {
    return null
  }
  if (decoded.startsWith('//') || decoded.includes('\\') || CONTROL_CHARACTERS.test(decoded)) return null
  const within = options.within
  if (within && url.pathname !== within && !url.pathname.startsWith(`${within}/`)) return null
  return `${url.pathname}${url.search}${url.hash}`
}

/** Where a person goes after signing in: a safe path outside the sign-in routes, else home. */
export function signInReturnPath(value: unknown): string {
  const path = safeReturnPath(value)
  if (!path || path === '/auth' || path.startsWith('/auth/') || path.startsWith('/auth?')) return '/'
  return path
}
