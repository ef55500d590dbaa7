/// <reference types="@remix-run/dev" />
/// <reference types="@remix-run/node" />

import type { AppContext } from '#server/app-context.ts'

declare module '@remix-run/node' {
  interface AppLoadContext {
    services: AppContext
    requestId: string
    /** This response's Content-Security-Policy nonce for inline scripts. */
    cspNonce: string
    /**
     * Aborted when the client goes away before the response is complete. Use this, not
     * `request.signal`: Remix hands routes a copy of the request, and undici links a copy's
     * signal to its source only weakly, so after a garbage collection the copy's signal may
     * never fire (nodejs/undici#3644) and a stream would run on for nobody.
     */
    clientGone: AbortSignal
  }
}
