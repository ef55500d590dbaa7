// The server half of a `text/event-stream` answer: one frame per event
// (`event: <type>`, `data: <JSON>`), comment lines as heartbeats so proxies keep a
// quiet stream open, and an end that is safe to reach twice or after the client left.

/** A comment line keeps proxies from closing a quiet stream while the model thinks. */
const HEARTBEAT_EVERY_MS = 15_000

export interface EventStream<E extends { type: string }> {
  /** The 200 response to return; its body is this stream. */
  response: Response
  send(event: E): void
  /** Ends the stream (idempotent). */
  close(): void
}

/** `onCancel` runs when the client stops reading (it went away). */
export function createEventStream<E extends { type: string }>(onCancel: () => void): EventStream<E> {
  const encoder = new TextEncoder()
  let closed = false
  let output!: ReadableStreamDefaultController<Uint8Array>
  let heartbeat: NodeJS.Timeout | undefined
  const write = (text: string) => {
    if (closed) return
    try {
      output.enqueue(encoder.encode(text))
    } catch {
      closed = true
    }
  }
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      output = controller
      heartbeat = setInterval(() => write(': keep-alive\n\n'), HEARTBEAT_EVERY_MS)
    },
    cancel() {
      closed = true
      clearInterval(heartbeat)
      onCancel()
    },
  })
  return {
    response: new Response(body, {
      status: 200,
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        // Tells reverse proxies (nginx, ARR) not to buffer the stream.
        'x-accel-buffering': 'no',
      },
    }),
    send: (event) => write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`),
    close() {
      clearInterval(heartbeat)
      if (closed) return
      closed = true
      try {
        output.close()
      } catch {
        // The client has gone; nothing to close.
      }
    },
  }
}
