// A local HTTP server that records each request's method, path and headers and
// answers with the handler's reply: a stand-in for an Azure endpoint in tests
// that check how a client signs its requests.
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface RecordedRequest {
  method: string
  url: string
  headers: http.IncomingHttpHeaders
}

export interface RecordingServer {
  url: string
  requests: RecordedRequest[]
  close(): Promise<void>
}

export async function startRecordingServer(
  handler: (request: RecordedRequest, res: http.ServerResponse) => void,
): Promise<RecordingServer> {
  const requests: RecordedRequest[] = []
  const server = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      const recorded = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers }
      requests.push(recorded)
      handler(recorded, res)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
