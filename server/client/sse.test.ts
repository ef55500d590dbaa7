// The event-stream reader of the script client: the same messages however the bytes are cut.
import { describe, expect, it } from 'vitest'
import { SseDecoder, type SseMessage } from './sse.ts'

const encoder = new TextEncoder()

/** All messages of `chunks`, fed in order, then the end of the stream. */
function decode(chunks: Uint8Array[]): SseMessage[] {
  const decoder = new SseDecoder()
  return [...chunks.flatMap((chunk) => decoder.push(chunk)), ...decoder.end()]
}

const start = {
  type: 'start',
  conversationId: '0b9d7d2e-3c1a-4f7e-9a55-7f3f9f0a1b2c',
  userMessageId: 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b',
  assistantMessageId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
  title: 'Schlaf – „erste“ Sitzung',
}
const deltas = ['Grüße 👋 – ', 'Übung\nzwei', '', ' 漢字']
const done = {
  type: 'done',
  assistantMessageId: start.assistantMessageId,
  status: 'complete',
  finishReason: 'stop',
  usage: { promptTokens: 12, completionTokens: 34, estimated: false },
}

// What the server sends, with every kind of line end and the keep-alive comment, and
// a last message the stream cuts off.
const STREAM =
  '\uFEFF: keep-alive\r\n\r\n' +
  `event: start\r\ndata: ${JSON.stringify(start)}\r\n\r\n` +
  `event: delta\ndata: ${JSON.stringify({ type: 'delta', text: deltas[0] })}\n\n` +
  `: keep-alive\n\nevent: delta\rdata: ${JSON.stringify({ type: 'delta', text: deltas[1] })}\r\r` +
  `event:delta\r\ndata:${JSON.stringify({ type: 'delta', text: deltas[2] })}\r\n\n` +
  `event: delta\ndata: ${JSON.stringify({ type: 'delta', text: deltas[3] })}\r\n\r\n` +
  'data: first line\r\ndata:second line\rdata\nid: 7\nretry: 1000\n\n' +
  'event: only-a-name\n\n' +
  `event: done\ndata: ${JSON.stringify(done)}\n\n` +
  'event: delta\ndata: {"type":"delta","text":"never finished"}\n'

const EXPECTED: SseMessage[] = [
  { event: 'start', data: JSON.stringify(start) },
  ...deltas.map((text) => ({ event: 'delta', data: JSON.stringify({ type: 'delta', text }) })),
  { event: 'message', data: 'first line\nsecond line\n' },
  { event: 'done', data: JSON.stringify(done) },
]

describe('SseDecoder', () => {
  const bytes = encoder.encode(STREAM)

  it('reads a whole stream: comments skipped, CRLF, LF and CR line ends, multi-line data, the cut-off message dropped', () => {
    expect(decode([bytes])).toEqual(EXPECTED)
  })

  it('gives the same messages when the bytes are split in two at every position', () => {
    // Some splits fall inside a multi-byte character, some between the CR and LF of one line end.
    expect(bytes.length).toBeGreaterThan(STREAM.length)
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(decode([bytes.subarray(0, cut), bytes.subarray(cut)]), `split at byte ${cut}`).toEqual(EXPECTED)
    }
  })

  it('gives the same messages when the bytes are split in three, the first cut anywhere, the second every 7 bytes after it', () => {
    let splits = 0
    for (let first = 1; first < bytes.length; first++) {
      for (let second = first + 1; second < bytes.length; second += 7) {
        const chunks = [bytes.subarray(0, first), bytes.subarray(first, second), bytes.subarray(second)]
        const messages = decode(chunks)
        if (JSON.stringify(messages) !== JSON.stringify(EXPECTED)) {
          expect(messages, `split at bytes ${first} and ${second}`).toEqual(EXPECTED)
        }
        splits++
      }
    }
    expect(splits).toBeGreaterThan(10_000)
  })

  it('gives the same messages fed one byte at a time, with empty chunks in between', () => {
    const chunks = [...bytes].flatMap((byte) => [Uint8Array.of(byte), new Uint8Array(0)])
    expect(decode(chunks)).toEqual(EXPECTED)
  })

  it('hands out each message as soon as its blank line arrives', () => {
    const decoder = new SseDecoder()
    expect(decoder.push(encoder.encode('event: delta\ndata: {"type":"delta","text":"a"}\n'))).toEqual([])
    expect(decoder.push(encoder.encode('\nevent: delta\n'))).toEqual([
      { event: 'delta', data: '{"type":"delta","text":"a"}' },
    ])
    // A CR at a chunk's end already ends the line; an LF after it is not a second, blank line.
    expect(decoder.push(encoder.encode('data: b\r'))).toEqual([])
    expect(decoder.push(encoder.encode('\n'))).toEqual([])
    expect(decoder.push(encoder.encode('\r'))).toEqual([{ event: 'delta', data: 'b' }])
    expect(decoder.end()).toEqual([])
  })

  it('refuses a line without end rather than buffering it for ever', () => {
    const decoder = new SseDecoder()
    const chunk = encoder.encode(`data: ${'x'.repeat(100_000)}`)
    expect(() => {
      for (let i = 0; i < 11; i++) decoder.push(chunk)
    }).toThrow(RangeError)
  })
})
