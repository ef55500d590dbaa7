// A small server-sent events parser for a fetch body stream (EventSource cannot POST).
// Follows the WHATWG rules that matter here: lines end in \n, \r\n or \r, a blank line
// ends a frame, `:` starts a comment, one space after the field's colon is dropped, and
// several `data:` lines join with \n. Chunks may split anywhere, even inside a character.

export interface SseFrame {
  /** `message` when the frame names no event. */
  event: string
  data: string
}

export class SseParser {
  private readonly decoder = new TextDecoder()
  private buffer = ''
  private eventType = ''
  private dataLines: string[] = []

  /** Feeds one chunk; returns the frames it completed. */
  push(chunk: Uint8Array | string): SseFrame[] {
    this.buffer += typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true })
    return this.drain(false)
  }

  /** The stream has ended: completes the last line. A frame without its blank line is dropped, as EventSource does. */
  end(): SseFrame[] {
    this.buffer += this.decoder.decode()
    const frames = this.drain(true)
    this.eventType = ''
    this.dataLines = []
    return frames
  }

  private drain(atEnd: boolean): SseFrame[] {
    const frames: SseFrame[] = []
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer)
      if (!match) break
      // A trailing \r may be the first half of \r\n: wait for the next chunk.
      if (match[0] === '\r' && match.index === this.buffer.length - 1 && !atEnd) break
      const line = this.buffer.slice(0, match.index)
      this.buffer = this.buffer.slice(match.index + match[0].length)
      const frame = this.line(line)
      if (frame) frames.push(frame)
    }
    if (atEnd && this.buffer !== '') {
      this.line(this.buffer)
      this.buffer = ''
    }
    return frames
  }

  private line(line: string): SseFrame | null {
    if (line === '') {
      const frame =
        this.dataLines.length > 0
          ? { event: this.eventType || 'message', data: this.dataLines.join('\n') }
          : null
      this.eventType = ''
      this.dataLines = []
      return frame
    }
    if (line.startsWith(':')) return null
    const colon = line.indexOf(':')
    const field = colon === -1 ? line : line.slice(0, colon)
    let value = colon === -1 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'event') this.eventType = value
    else if (field === 'data') this.dataLines.push(value)
    // `id` and `retry` mean nothing for a one-shot POST stream.
    return null
  }
}
