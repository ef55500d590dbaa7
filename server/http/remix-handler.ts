// Express → Remix, as @remix-run/express does it, with one difference: a request's
// body is the one the body limit has already read (./request-body.ts), so no route
// ever reads an unbounded stream and the limit answers before Remix runs.
import type { AppLoadContext, ServerBuild } from '@remix-run/node'
import { createRequestHandler, writeReadableStreamToWritable } from '@remix-run/node'
import type express from 'express'
import { readBodyOf } from './request-body.ts'

export interface RemixHandlerOptions {
  build: ServerBuild
  mode: 'production' | 'development'
  getLoadContext: (req: express.Request, res: express.Response, clientGone: AbortSignal) => AppLoadContext
}

export function createRemixHandler({ build, mode, getLoadContext }: RemixHandlerOptions): express.Handler {
  const handle = createRequestHandler(build, mode)
  return (req, res, next) => {
    let request: Request
    // Aborted when the client goes away before the response is complete: a chat answer
    // stops its model call at once. Held here, strongly, for the whole response.
    const gone = new AbortController()
    const hangUp = () => gone.abort()
    res.on('close', hangUp)
    res.on('finish', () => res.removeListener('close', hangUp))
    try {
      request = toFetchRequest(req, gone.signal)
    } catch {
      // An unparseable Host header or URL: the client's mistake, not ours.
      res.status(400).json({ error: { code: 'invalid_request' } })
      return
    }
    handle(request, getLoadContext(req, res, gone.signal))
      .then((response) => sendResponse(res, response))
      .catch(next)
  }
}

function toFetchRequest(req: express.Request, signal: AbortSignal): Request {
  // req.hostname has no port and follows the "trust proxy" setting; the port comes from the header.
  const forwardedPort = Number.parseInt(req.get('x-forwarded-host')?.split(':')[1] ?? '', 10)
  const hostPort = Number.parseInt(req.get('host')?.split(':')[1] ?? '', 10)
  const port = Number.isSafeInteger(forwardedPort)
    ? forwardedPort
    : Number.isSafeInteger(hostPort)
      ? hostPort
      : null
  const url = new URL(`${req.protocol}://${req.hostname}${port ? `:${port}` : ''}${req.originalUrl}`)

  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue
    for (const each of Array.isArray(value) ? value : [value]) headers.append(name, each)
  }
  const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : readBodyOf(req)
  return new Request(url.href, {
    method: req.method,
    headers,
    signal,
    ...(body ? { body: new Uint8Array(body) } : {}),
  })
}

async function sendResponse(res: express.Response, response: Response): Promise<void> {
  res.statusMessage = response.statusText
  res.status(response.status)
  // Headers joins repeated headers except Set-Cookie, which it yields one by one.
  for (const [name, value] of response.headers.entries()) {
    if (name === 'set-cookie') res.append(name, value)
    else res.setHeader(name, value)
  }
  // Pages and API answers may show clinical text: never kept by a shared workstation's
  // browser or a proxy. A route that means to be cached says so itself.
  if (!response.headers.has('cache-control')) res.setHeader('cache-control', 'no-store')
  // A page's 503 (its database unreachable, app/utils/outage.server.ts) loses the thrown
  // response's headers on the way through Remix's error boundary; tell clients when to retry.
  if (response.status === 503 && !response.headers.has('retry-after')) res.setHeader('retry-after', '5')
  // Server-sent events must leave at once, not when a buffer fills.
  if (/text\/event-stream/i.test(response.headers.get('content-type') ?? '')) res.flushHeaders()
  if (response.body) await writeReadableStreamToWritable(response.body, res)
  else res.end()
}
