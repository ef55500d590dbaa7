// Every request body is read here, once, with a limit that is enforced while reading
// (raw-body, the reader Express's own body parsers use): a declared length over the
// limit is refused unread, a chunked body is cut off as soon as it passes the limit.
// The refusal is a 413 with a JSON code, and the connection stays usable: a small
// excess is drained so the next request on a keep-alive connection is served, a large
// one gets `Connection: close` instead of being read.
import type express from 'express'
import getRawBody from 'raw-body'

const KiB = 1024
const MiB = 1024 * KiB

/** The largest body each part of the site accepts, in bytes. */
export const BODY_LIMITS = {
  /** `POST /api/chat/:id`: one message of at most 16 000 characters is far below it. */
  chat: 256 * KiB,
  /** `/api/trpc`: a batch of mutations with their inputs. */
  trpc: 1 * MiB,
  /** Form posts of the pages (Remix actions). */
  forms: 1 * MiB,
} as const

/** An over-limit body up to this size is read and thrown away so its connection can carry on. */
const DRAIN_AT_MOST = 8 * MiB
/** A connection closed for an oversized body is cut this long after its 413, whatever the client still sends. */
const CLOSE_AFTER_MS = 5_000

const FORM_TYPES = /^(application\/x-www-form-urlencoded|multipart\/form-data)\s*(;|$)/i

const bodies = new WeakMap<express.Request, Buffer>()

/** The body `readRequestBodies` read for this request (empty for GET and HEAD). */
export function readBodyOf(req: express.Request): Buffer | undefined {
  return bodies.get(req)
}

export function bodyLimitFor(path: string): number {
  if (path.startsWith('/api/chat/')) return BODY_LIMITS.chat
  if (path === '/api/trpc' || path.startsWith('/api/trpc/')) return BODY_LIMITS.trpc
  return BODY_LIMITS.forms
}

export function readRequestBodies(): express.Handler {
  return (req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD') return next()
    // Pages take form posts only; anything else would reach request.formData() and fail there.
    const isApi = req.path.startsWith('/api/')
    const contentType = req.get('content-type')
    const declared = req.get('content-length')
    const hasBody = declared !== undefined ? declared !== '0' : req.get('transfer-encoding') !== undefined
    if (!isApi && hasBody && !FORM_TYPES.test(contentType ?? '')) {
      return refuse(req, res, 415, { code: 'unsupported_media_type' })
    }
    const limit = bodyLimitFor(req.path)
    getRawBody(req, { limit, length: declared }).then(
      (body) => {
        bodies.set(req, body)
        next()
      },
      (error: { type?: string }) => {
        if (error.type === 'entity.too.large') {
          return refuse(req, res, 413, { code: 'payload_too_large', limitBytes: limit })
        }
        if (error.type === 'request.aborted') return // the client is gone; nobody to answer
        refuse(req, res, 400, { code: 'invalid_body' })
      },
    )
  }
}

/**
 * Answers before (or instead of) reading the rest of the body. A declared body of a
 * bounded size is drained first, so the answer arrives in order and the connection is
 * reused; otherwise the answer goes out at once with `Connection: close`.
 */
function refuse(
  req: express.Request,
  res: express.Response,
  status: number,
  error: { code: string; limitBytes?: number },
) {
  const declared = Number(req.get('content-length'))
  const drain = !req.complete && Number.isSafeInteger(declared) && declared <= DRAIN_AT_MOST
  const send = () => {
    if (res.headersSent || res.destroyed) return
    if (!req.complete) res.setHeader('connection', 'close')
    res.status(status).json({ error })
  }
  req.resume()
  if (drain) {
    req.once('end', send)
    return
  }
  send()
  if (!req.complete) {
    res.once('finish', () => setTimeout(() => req.socket.destroy(), CLOSE_AFTER_MS).unref())
  }
}
