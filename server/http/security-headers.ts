// Response headers that keep pages from being framed, scripted from elsewhere or kept
// in a shared workstation's cache. Helmet (a well-kept library made for this) writes
// them; the Content-Security-Policy allows scripts only from this site and the inline
// ones Remix renders with this request's nonce.
import { randomBytes } from 'node:crypto'
import type express from 'express'
import helmet from 'helmet'
import type { Config } from '#server/config/env.ts'

/** The nonce of this response's inline scripts (Remix's hydration data and loaders). */
export function cspNonceOf(res: express.Response): string {
  return String(res.locals.cspNonce)
}

// What the pages use: none of these. (Clipboard writing, used by "Copy", is not listed.)
const PERMISSIONS_POLICY = [
  'accelerometer=()',
  'camera=()',
  'display-capture=()',
  'geolocation=()',
  'gyroscope=()',
  'magnetometer=()',
  'microphone=()',
  'payment=()',
  'usb=()',
  'serial=()',
  'hid=()',
  'browsing-topics=()',
].join(', ')

export function securityHeaders(config: Config): express.Handler[] {
  const identityProvider = new URL(config.auth.issuer).origin
  return [
    (_req, res, next) => {
      res.locals.cspNonce = randomBytes(16).toString('base64')
      res.setHeader('permissions-policy', PERMISSIONS_POLICY)
      next()
    },
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'", (_req, res) => `'nonce-${cspNonceOf(res as express.Response)}'`],
          // React renders style attributes; no script can come in through them.
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          // The pages call only their own origin: /api/trpc and /api/chat.
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          // Chromium applies form-action to the redirects after a form post (sign-in).
          formAction: ["'self'", identityProvider],
          frameAncestors: ["'none'"],
          ...(config.isProduction ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      // HTTPS is only certain in production (App Service terminates TLS in front of us).
      strictTransportSecurity: config.isProduction ? { maxAge: 31_536_000, includeSubDomains: true } : false,
      referrerPolicy: { policy: 'same-origin' },
      frameguard: { action: 'deny' },
    }),
  ]
}
