import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { SseParser, type SseFrame } from './sse.ts'

const encoder = new TextEncoder()

function parseInChunks(bytes: Uint8Array, cuts: number[]): SseFrame[] {
  const parser = new SseParser()
  const frames: SseFrame[] = []
  let start = 0
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    frames.push(...parser.push(bytes.slice(start, cut)))
    start = cut
  }
  frames.push(...parser.push(bytes.slice(start)))
  frames.push(...parser.end())
  return frames
}

const stream =
  ': keep-alive\n\n' +
  'event: start\ndata: {"type":"start","title":"Grüße 👋"}\n\n' +
  'event: delta\r\ndata: {"type":"delta","text":"a\\nb"}\r\n\r\n' +
  'event: delta\rdata:{"type":"delta","text":"ü€𝄞"}\r\r' +
  'data: one\ndata: two\n\n' +
  'event: done\ndata: {"type":"done"}\n\n'

const expected: SseFrame[] = [
  { event: 'start', data: '{"type":"start","title":"Grüße 👋"}' },
  { event: 'delta', data: '{"type":"delta","text":"a\\nb"}' },
  { event: 'delta', data: '{"type":"delta","text":"ü€𝄞"}' },
  { event: 'message', data: 'one\ntwo' },
  { event: 'done', data: '{"type":"done"}' },
]

describe('SseParser', () => {
  it('reads frames with any line ending, comments and multi-line data', () => {
    expect(parseInChunks(encoder.encode(stream), [])).toEqual(expected)
  })

  it('gives the same frames however the bytes are split, even inside a character or a \\r\\n', () => {
    const bytes = encoder.encode(stream)
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: bytes.length }), { maxLength: 12 }), (cuts) => {
        expect(parseInChunks(bytes, cuts)).toEqual(expected)
      }),
      { numRuns: 300 },
    )
    for (let cut = 0; cut <= bytes.length; cut++) expect(parseInChunks(bytes, [cut])).toEqual(expected)
  })

  it('drops a frame the stream cut off before its blank line', () => {
    const frames = parseInChunks(
      encoder.encode('event: delta\ndata: {"text":"a"}\n\nevent: done\ndata: {"t'),
      [],
    )
    expect(frames).toEqual([{ event: 'delta', data: '{"text":"a"}' }])
  })
})
