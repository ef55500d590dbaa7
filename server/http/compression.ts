// Response compression (brotli or gzip, as the browser prefers) for pages,
// scripts, styles and JSON. Event streams are never compressed: a compressor
// holds bytes back until its buffer fills, and a chat answer must reach the
// browser as it is written.
import compression from 'compression'
import type express from 'express'

/** Paths whose responses stream; they stay uncompressed whatever their type. */
const STREAMING_PATH = /^\/api\/chat\//

export function compressResponses(): express.RequestHandler {
  return compression({
    filter(req, res) {
      if (STREAMING_PATH.test(req.path)) return false
      const type = String(res.getHeader('content-type') ?? '')
      if (type.startsWith('text/event-stream')) return false
      // compressible types (text/*, JavaScript, JSON, SVG), at least 1 KiB.
      return compression.filter(req, res)
    },
  })
}
