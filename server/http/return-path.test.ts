import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { safeReturnPath, signInReturnPath } from './return-path.ts'

// Each refused form is one a browser would follow off the site (or that cannot be sent
// in a Location header at all).
const refused: Array<[string, string]> = [
  ['tab inside a protocol-relative path', '/\t/evil.example/'],
  ['line feed inside', '/\n/evil.example'],
  ['carriage return inside', '/\r/evil.example'],
  ['vertical tab', '/\u000b/evil.example'],
  ['form feed', '/\f/evil.example'],
  ['NUL', '/app\u0000'],
  ['DEL', '/app\u007f'],
  ['C1 control', '/app\u0085'],
  ['protocol-relative', '//evil.example/'],
  ['backslash after the slash', '/\\evil.example'],
  ['two backslashes', '\\\\evil.example'],
  ['backslash then slash', '/\\/evil.example'],
  ['encoded slashes', '/%2F%2Fevil.example'],
  ['encoded slash after a slash', '//%2Fevil.example'],
  ['encoded backslash', '/%5Cevil.example'],
  ['encoded tab', '/%09/evil.example'],
  ['absolute https URL', 'https://evil.example/'],
  ['scheme without slashes', 'https:evil.example'],
  ['javascript URL', 'javascript:alert(1)'],
  ['data URL', 'data:text/html,hi'],
  ['leading space', ' /app'],
  ['relative path', 'app'],
  ['empty', ''],
  ['broken percent-encoding', '/%E0%A4%A'],
  ['too long', `/app/${'a'.repeat(2000)}`],
]

const accepted: Array<[string, string, string]> = [
  ['the workspace', '/app', '/app'],
  ['a conversation with a query', '/app/c/1?folder=none', '/app/c/1?folder=none'],
  ['a hash', '/app#latest', '/app#latest'],
  ['dot segments resolved', '/app/../app/c/1', '/app/c/1'],
  ['spaces encoded', '/app/search?q=a b', '/app/search?q=a%20b'],
  ['umlauts encoded', '/app/search?q=Müdigkeit', '/app/search?q=M%C3%BCdigkeit'],
  ['an encoded single slash stays encoded', '/app/%2Fx', '/app/%2Fx'],
]

describe('safeReturnPath', () => {
  it.each(refused)('refuses %s', (_name, value) => {
    expect(safeReturnPath(value)).toBeNull()
  })

  it.each(accepted)('accepts %s', (_name, value, expected) => {
    expect(safeReturnPath(value)).toBe(expected)
  })

  it('refuses what is not a string', () => {
    expect(safeReturnPath(null)).toBeNull()
    expect(safeReturnPath(undefined)).toBeNull()
    expect(safeReturnPath(['/app'])).toBeNull()
  })

  it('keeps a path within one part of the site when asked', () => {
    expect(safeReturnPath('/app?pages=2', { within: '/app' })).toBe('/app?pages=2')
    expect(safeReturnPath('/app/c/1', { within: '/app' })).toBe('/app/c/1')
    expect(safeReturnPath('/application', { within: '/app' })).toBeNull()
    expect(safeReturnPath('/auth/sign-out', { within: '/app' })).toBeNull()
    expect(safeReturnPath('/app/../auth/sign-out', { within: '/app' })).toBeNull()
  })

  it('gives only values that a Location header accepts', () => {
    for (const [, value] of [...refused, ...accepted]) {
      const path = safeReturnPath(value)
      if (path !== null) expect(() => new Headers({ location: path })).not.toThrow()
    }
  })
})

describe('safeReturnPath on any input', () => {
  const base = 'https://clinai.example'
  const tricky = fc.constantFrom(
    '/',
    '\\',
    '\t',
    '\n',
    '\u000b',
    '%2F',
    '%5C',
    '%09',
    '.',
    ':',
    '@',
    '?',
    '#',
    'evil.example',
    'app',
  )
  const candidate = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.array(tricky, { maxLength: 12 }).map((parts) => parts.join('')),
  )

  it('only ever yields a same-origin path a Location header accepts', () => {
    fc.assert(
      fc.property(candidate, (value) => {
        const path = safeReturnPath(value)
        if (path === null) return
        expect(path.startsWith('/') && !path.startsWith('//')).toBe(true)
        expect(new URL(path, base).origin).toBe(base)
        expect(() => new Headers({ location: path })).not.toThrow()
        // Read once more by a browser (or a proxy that decodes), it stays on the site.
        expect(new URL(decodeURIComponent(new URL(path, base).pathname), base).origin).toBe(base)
      }),
      { numRuns: 2000 },
    )
  })
})

describe('signInReturnPath', () => {
  it('sends refused targets and the sign-in routes home', () => {
    expect(signInReturnPath('/\t/evil.example/')).toBe('/')
    expect(signInReturnPath('/auth/sign-in?returnTo=/app')).toBe('/')
    expect(signInReturnPath('/auth')).toBe('/')
    expect(signInReturnPath('/app/c/1')).toBe('/app/c/1')
  })
})
