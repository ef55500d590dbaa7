// Server rendering with streaming; bots get the whole document at once.
import { PassThrough } from 'node:stream'
import type { AppLoadContext, EntryContext, HandleErrorFunction } from '@remix-run/node'
import { createReadableStreamFromReadable } from '@remix-run/node'
import { RemixServer } from '@remix-run/react'
import { isbot } from 'isbot'
import { renderToPipeableStream } from 'react-dom/server'
import { NonceContext } from './utils/nonce.ts'
import { recordException } from './utils/telemetry.server.ts'

const ABORT_DELAY = 5_000

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  // The Content-Security-Policy allows inline scripts only with this response's nonce.
  const nonce = loadContext.cspNonce
  const readyEvent = isbot(request.headers.get('user-agent') ?? '') ? 'onAllReady' : 'onShellReady'
  return new Promise((resolve, reject) => {
    let shellRendered = false
    const { pipe, abort } = renderToPipeableStream(
      <NonceContext.Provider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </NonceContext.Provider>,
      {
        nonce,
        [readyEvent]() {
          shellRendered = true
          const body = new PassThrough()
          responseHeaders.set('Content-Type', 'text/html; charset=utf-8')
          resolve(
            new Response(createReadableStreamFromReadable(body), {
              headers: responseHeaders,
              status: responseStatusCode,
            }),
          )
          pipe(body)
        },
        onShellError(error: unknown) {
          reject(error)
        },
        onError(error: unknown) {
          responseStatusCode = 500
          // Errors after the shell are logged by Remix's handleError; avoid double logs here.
          if (!shellRendered) console.error('render error before shell')
          void error
        },
      },
    )
    setTimeout(abort, ABORT_DELAY)
  })
}

// Error messages can quote data (a database error names the duplicate value), so
// only the error's kind, code and stack frames are logged, never its message.
export const handleError: HandleErrorFunction = (error, { context }) => {
  if (context.clientGone.aborted) return
  if (error && typeof error === 'object' && 'status' in error && error.status === 404) return
  const err = error instanceof Error ? error : new Error('non-error thrown')
  const frames = (err.stack ?? '').split('\n').slice(1, 8).join('\n')
  recordException(err)
  const code = 'code' in err ? String(err.code) : undefined
  context.services.logger.error(
    { requestId: context.requestId, name: err.name, code, frames },
    'unhandled error',
  )
}
