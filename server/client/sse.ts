// Reads a `text/event-stream` the way the HTML standard tells EventSource to:
// lines end in CRLF, LF or CR; `:` starts a comment (the server's keep-alive);
// `data:` lines of one message are joined with LF; a blank line ends a message;
// a message cut off by the end of the stream is dropped. Bytes may arrive split
// anywhere, even inside a UTF-8 character or between the CR and LF of one line end.

export interface SseMessage {
  /** The `event:` field; `message` when the server sent none. */
  event: string
  data: string
}

/** A line longer than this is not an event of ours; refused rather than buffered without end. */
const MAX_LINE_CHARS = 1_000_000

export class SseDecoder {
  readonly #text = new TextDecoder('utf-8') // drops a leading byte order mark, as the standard asks
  /** The start of a line whose end has not arrived yet. */
  #partial = ''
  /** The last chunk ended in CR: an LF that starts the next one belongs to that line end. */
  #afterCr = false
  #event = ''
  #data: string[] = []

  /** The messages this chunk completes. */
  push(chunk: Uint8Array): SseMessage[] {
    return this.#feed(this.#text.decode(chunk, { stream: true }))
  }

  /** The messages the last bytes complete, at the end of the stream; anything unfinished is dropped. */
  end(): SseMessage[] {
    const messages = this.#feed(this.#text.decode())
    this.#partial = ''
    this.#event = ''
    this.#data = []
    return messages
  }

  #feed(text: string): SseMessage[] {
    const messages: SseMessage[] = []
    let start = 0
    if (this.#afterCr && text.length > 0) {
      if (text[0] === '\n') start = 1
      this.#afterCr = false
    }
    const lineEnd = /\r\n|\r|\n/g
    lineEnd.lastIndex = start
    for (let match = lineEnd.exec(text); match; match = lineEnd.exec(text)) {
      const line = this.#partial + text.slice(start, match.index)
      this.#partial = ''
      start = match.index + match[0].length
      if (match[0] === '\r' && start === text.length) this.#afterCr = true
      const message = this.#line(line)
      if (message) messages.push(message)
    }
    this.#partial += text.slice(start)
    if (this.#partial.length > MAX_LINE_CHARS) {
      throw new RangeError(`An event stream line is longer than ${MAX_LINE_CHARS} characters.`)
    }
    return messages
  }

  #line(line: string): SseMessage | null {
    if (line === '') {
      // A blank line ends the message; one without data lines is no message.
      const message =
        this.#data.length > 0 ? { event: this.#event || 'message', data: this.#data.join('\n') } : null
      this.#event = ''
      this.#data = []
      return message
    }
    if (line.startsWith(':')) return null
    const colon = line.indexOf(':')
    const field = colon === -1 ? line : line.slice(0, colon)
    let value = colon === -1 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'event') this.#event = value
    else if (field === 'data') this.#data.push(value)
    // `id` and `retry` serve reconnecting EventSources; a chat answer is not resumed, so they are ignored.
    return null
  }
}
