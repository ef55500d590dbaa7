// A TCP proxy in front of PostgreSQL that counts the client's round trips: each Sync (the end
// of an extended-protocol exchange) and each simple Query is one wait for the server. The app
// under test connects through it; a test reads the count around one procedure.
import net from 'node:net'

export interface RoundTripCounter {
  /** Where to connect instead of PostgreSQL. */
  port: number
  /** Round trips since the last reset, over every connection. */
  count(): number
  reset(): void
  close(): Promise<void>
}

const SSL_REQUEST = 80877103
const GSSENC_REQUEST = 80877104

/**
 * Counts the connections whose startup names `applicationName` (the app's pool, not the job
 * queue's).
 */
export async function startRoundTripCounter(
  target: { host: string; port: number },
  applicationName: string,
): Promise<RoundTripCounter> {
  let trips = 0
  const sockets = new Set<net.Socket>()
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host)
    sockets.add(client).add(upstream)
    let pending = Buffer.alloc(0)
    // The first messages (SSL request, startup) have no type byte.
    let untyped = true
    let counting = false
    client.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk])
      for (;;) {
        if (untyped) {
          if (pending.length < 8) break
          const length = pending.readInt32BE(0)
          if (pending.length < length) break
          const code = pending.readInt32BE(4)
          if (code !== SSL_REQUEST && code !== GSSENC_REQUEST) {
            untyped = false
            // Startup parameters: name\0value\0…\0
            const parts = pending.subarray(8, length).toString('utf8').split('\0')
            counting = parts[parts.indexOf('application_name') + 1] === applicationName
          }
          pending = pending.subarray(length)
          continue
        }
        if (pending.length < 5) break
        const length = pending.readInt32BE(1)
        if (pending.length < length + 1) break
        const type = String.fromCharCode(pending[0]!)
        if (counting && (type === 'S' || type === 'Q')) trips++
        pending = pending.subarray(length + 1)
      }
      upstream.write(chunk)
    })
    upstream.on('data', (chunk) => client.write(chunk))
    const end = () => {
      client.destroy()
      upstream.destroy()
      sockets.delete(client)
      sockets.delete(upstream)
    }
    client.on('close', end).on('error', end)
    upstream.on('close', end).on('error', end)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as net.AddressInfo).port,
    count: () => trips,
    reset: () => {
      trips = 0
    },
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
