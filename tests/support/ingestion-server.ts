// A local stand-in for Application Insights' ingestion endpoint: HTTPS (the exporter insists
// on it) with a self-signed certificate made at test time, `POST /v2.1/track` with JSON
// envelopes (an array, or one per line), gzip or not. It keeps every envelope and every
// request's raw text, so a test can look for what arrived and prove what never did.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { gunzipSync } from 'node:zlib'
import { generate } from 'selfsigned'

export interface Envelope {
  name: string
  time: string
  iKey?: string
  tags?: Record<string, string>
  data?: { baseType?: string; baseData?: Record<string, unknown> }
}

export interface IngestionServer {
  /** `IngestionEndpoint` for the connection string. */
  url: string
  /** A PEM file with the certificate, for NODE_EXTRA_CA_CERTS. */
  caFile: string
  envelopes: Envelope[]
  /** Every request's method, path and (decompressed) body, whatever its path. */
  requests: Array<{ method: string; path: string; body: string }>
  close(): Promise<void>
}

export async function startIngestionServer(): Promise<IngestionServer> {
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  })
  const folder = await mkdtemp(path.join(os.tmpdir(), 'clinai-ingestion-'))
  const caFile = path.join(folder, 'ca.pem')
  await writeFile(caFile, pems.cert)

  const envelopes: Envelope[] = []
  const requests: IngestionServer['requests'] = []
  const server = https.createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      let raw = Buffer.concat(chunks)
      if (/gzip/i.test(req.headers['content-encoding'] ?? '')) raw = gunzipSync(raw)
      const body = raw.toString('utf8')
      requests.push({ method: req.method ?? '', path: req.url ?? '', body })
      if (req.method !== 'POST' || !/\/track$/.test(new URL(req.url ?? '/', 'https://x').pathname)) {
        res.writeHead(404).end()
        return
      }
      const received = parseEnvelopes(body)
      envelopes.push(...received)
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ itemsReceived: received.length, itemsAccepted: received.length, errors: [] }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `https://127.0.0.1:${port}/`,
    caFile,
    envelopes,
    requests,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await rm(folder, { recursive: true, force: true })
    },
  }
}

function parseEnvelopes(body: string): Envelope[] {
  const text = body.trim()
  if (text.startsWith('[')) return JSON.parse(text) as Envelope[]
  return text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as Envelope)
}
