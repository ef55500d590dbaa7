// The HTTP front door: static assets, a request id per request, and the Remix
// request handler with the server's services as load context.
import { randomUUID } from 'node:crypto'
import { readdirSync } from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import type { ServerBuild } from '@remix-run/node'
import express from 'express'
import type { AppContext } from '../app-context.ts'
import { compressResponses } from './compression.ts'
import { createRemixHandler } from './remix-handler.ts'
import { readRequestBodies } from './request-body.ts'
import { cspNonceOf, securityHeaders } from './security-headers.ts'
import type { ChatRefusal } from '../chat/events.ts'
import { recordException, setRequestRoute } from '../telemetry/index.ts'
import { routeTemplates } from './route-template.ts'

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/

export interface HttpServerOptions {
  services: AppContext
  build: ServerBuild
  /** Folder that holds `build/` (client assets) and other static files. */
  publicDir: string
}

export function createApp({ services, build, publicDir }: HttpServerOptions): express.Express {
  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', services.config.isProduction ? 1 : false)
  const templateOf = routeTemplates(build)

  app.use((req, res, next) => {
    const incoming = req.get('x-request-id')
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID()
    // Telemetry names the request by its route, not its path (ids) or query (search text).
    setRequestRoute(req.method, templateOf(req.path), requestId)
    res.locals.requestId = requestId
    res.setHeader('x-request-id', requestId)
    const started = process.hrtime.bigint()
    res.on('finish', () => {
      // Path only: ids in paths are opaque; query strings may carry search text.
      services.logger.info(
        {
          requestId,
          method: req.method,
          path: req.path,
          status: res.statusCode,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
        },
        'request',
      )
    })
    next()
  })

  app.use((_req, res, next) => {
    // Shutting down: whatever is new goes to another instance (the load balancer retries).
    if (!app.locals.draining) return next()
    res.setHeader('connection', 'close')
    res.setHeader('retry-after', '1')
    res.status(503).json({ error: { code: 'shutting_down' } })
  })
  app.use(securityHeaders(services.config))
  app.use(refuseCrossSiteWrites)
  app.use(compressResponses())

  app.use('/build', express.static(path.join(publicDir, 'build'), { immutable: true, maxAge: '1y' }))
  app.use(topLevelFiles(publicDir))

  app.use(readRequestBodies())
  app.all(
    '*',
    createRemixHandler({
      build,
      mode: services.config.nodeEnv === 'production' ? 'production' : 'development',
      getLoadContext: (_req, res, clientGone) => ({
        services,
        clientGone,
        requestId: String(res.locals.requestId),
        cspNonce: cspNonceOf(res),
      }),
    }),
  )
  app.use(lastResort(services))
  return app
}

/**
 * What escaped every handler: logged by kind only (a message can quote data) and
 * answered with a code, never a stack trace or Express's HTML page.
 */
/**
 * The files at the top of the public folder (favicon, logo), listed once at start, so that
 * every other request (the API, pages) goes on without looking at the disk first.
 */
function topLevelFiles(publicDir: string): express.RequestHandler {
  let names = new Set<string>()
  try {
    names = new Set(
      readdirSync(publicDir, { withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => `/${entry.name}`),
    )
  } catch {
    // No public folder (a test without a client build): nothing to serve.
  }
  const serve = express.static(publicDir, { maxAge: '1h', index: false, fallthrough: true })
  return (req, res, next) => {
    if ((req.method === 'GET' || req.method === 'HEAD') && names.has(req.path)) serve(req, res, next)
    else next()
  }
}

function lastResort(services: AppContext): express.ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    const status = (error as { status?: unknown }).status
    const clientError = typeof status === 'number' && status >= 400 && status < 500
    if (!clientError) {
      recordException(error)
      services.logger.error(
        { requestId: res.locals.requestId, err: { name: (error as Error)?.name ?? 'unknown' } },
        'unhandled request error',
      )
    }
    if (res.headersSent) return next(error)
    res
      .status(clientError ? status : 500)
      .json({ error: { code: clientError ? 'invalid_request' : 'internal' } })
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * A second line behind the SameSite=Lax session cookie: a browser request that
 * changes something and carries cookies must come from our own pages. Browsers
 * send Origin on every cross-site POST; scripts with a bearer token send no
 * cookie and are not affected.
 */
function refuseCrossSiteWrites(req: express.Request, res: express.Response, next: express.NextFunction) {
  if (SAFE_METHODS.has(req.method) || !req.headers.cookie) return next()
  const origin = req.get('origin')
  const fetchSite = req.get('sec-fetch-site')
  let sameHost = true
  if (origin !== undefined) {
    try {
      sameHost = origin !== 'null' && new URL(origin).host === req.get('host')
    } catch {
      sameHost = false
    }
  } else if (fetchSite !== undefined) {
    sameHost = fetchSite === 'same-origin' || fetchSite === 'none'
  }
  if (sameHost) return next()
  res.status(403).json({
    error: { code: 'cross_site_request', message: 'cross_site_request' } satisfies ChatRefusal['error'],
  })
}

export interface RunningServer {
  server: http.Server
  url: string
  close(): Promise<void>
}

export async function listen(app: express.Express, port: number, host: string): Promise<RunningServer> {
  const server = http.createServer(app)
  // Streams (chat) may run long; keep-alive must outlive App Service's front end.
  server.keepAliveTimeout = 65_000
  server.headersTimeout = 66_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  const address = server.address()
  const actualPort = typeof address === 'object' && address ? address.port : port
  return {
    server,
    url: `http://localhost:${actualPort}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeIdleConnections()
        setTimeout(() => server.closeAllConnections(), 5000).unref()
      }),
  }
}
