// HTTP/1.1 over a plain socket, for what fetch hides: several requests on one
// keep-alive connection, bodies that lie about their length, and what the server
// does to the connection afterwards.
import net from 'node:net'

export interface RawResponse {
  status: number
  headers: Record<string, string>
  body: string
}

export interface RawConnection {
  write(data: string | Buffer): Promise<void>
  /** Resolves with the next complete response (Content-Length or chunked), or rejects when the socket ends first. */
  nextResponse(timeoutMs?: number): Promise<RawResponse>
  /** Resolves when the server has closed the connection. */
  closed: Promise<void>
  destroy(): void
}

export async function openRawConnection(baseUrl: string): Promise<RawConnection> {
  const { hostname, port } = new URL(baseUrl)
  const socket = net.connect({ host: hostname === 'localhost' ? '127.0.0.1' : hostname, port: Number(port) })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  let buffered = Buffer.alloc(0)
  let ended = false
  let wake: (() => void) | null = null
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk])
    wake?.()
  })
  const closed = new Promise<void>((resolve) => {
    socket.on('close', () => {
      ended = true
      wake?.()
      resolve()
    })
  })
  socket.on('error', () => {})

  function tryParse(): RawResponse | null {
    const headerEnd = buffered.indexOf('\r\n\r\n')
    if (headerEnd < 0) return null
    const [statusLine, ...lines] = buffered.subarray(0, headerEnd).toString('latin1').split('\r\n')
    const headers: Record<string, string> = {}
    for (const line of lines) {
      const colon = line.indexOf(':')
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
    }
    const status = Number(statusLine!.split(' ')[1])
    let rest = buffered.subarray(headerEnd + 4)
    if (headers['transfer-encoding'] === 'chunked') {
      const parts: Buffer[] = []
      for (;;) {
        const lineEnd = rest.indexOf('\r\n')
        if (lineEnd < 0) return null
        const size = Number.parseInt(rest.subarray(0, lineEnd).toString('latin1'), 16)
        if (rest.length < lineEnd + 2 + size + 2) return null
        if (size === 0) {
          buffered = rest.subarray(lineEnd + 4)
          return { status, headers, body: Buffer.concat(parts).toString('utf8') }
        }
        parts.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size))
        rest = rest.subarray(lineEnd + 2 + size + 2)
      }
    }
    const length = Number(headers['content-length'] ?? 0)
    if (rest.length < length) return null
    buffered = rest.subarray(length)
    return { status, headers, body: rest.subarray(0, length).toString('utf8') }
  }

  return {
    write: (data) =>
      new Promise<void>((resolve) => {
        if (socket.destroyed) return resolve()
        socket.write(data, () => resolve())
      }),
    async nextResponse(timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const parsed = tryParse()
        if (parsed) return parsed
        if (ended) throw new Error('connection closed before a complete response')
        const left = deadline - Date.now()
        if (left <= 0) throw new Error('no response within the time allowed')
        await new Promise<void>((resolve) => {
          wake = resolve
          setTimeout(resolve, left)
        })
        wake = null
      }
    },
    closed,
    destroy: () => socket.destroy(),
  }
}

/** A request's head with the given headers; the caller writes the body. */
export function requestHead(method: string, path: string, headers: Record<string, string | number>): string {
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: localhost']
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`)
  return `${lines.join('\r\n')}\r\n\r\n`
}
