// The privacy span processor, in front of an in-memory exporter as it stands in front of the
// Azure exporter: whatever an instrumentation recorded, no query string, statement text,
// status message or exception message reaches the exporter.
import { SpanStatusCode } from '@opentelemetry/api'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { describe, expect, it } from 'vitest'
import { PrivacySpanProcessor } from './index.ts'

const SENTINEL = 'Zebrafinkenkummer'

describe('PrivacySpanProcessor', () => {
  it('cuts query strings, drops statement text and replaces free-text messages', () => {
    const exporter = new InMemorySpanExporter()
    const provider = new BasicTracerProvider({
      spanProcessors: [new PrivacySpanProcessor(), new SimpleSpanProcessor(exporter)],
    })
    const span = provider.getTracer('test').startSpan('GET')
    span.setAttributes({
      'http.url': `http://clinai.example/api/trpc/conversations.search?input=${SENTINEL}`,
      'url.full': `https://model.example/openai/deployments/x/chat/completions?api-version=1#${SENTINEL}`,
      'http.target': `/app/search?q=${SENTINEL}`,
      'url.query': `q=${SENTINEL}`,
      'db.statement': `select * from messages where content = '${SENTINEL}'`,
      'db.query.text': `update conversations set title = '${SENTINEL}'`,
      'http.route': '/app/search',
    })
    span.recordException(new Error(`duplicate key value (${SENTINEL})`))
    span.recordException({ name: 'PostgresError', message: 'PostgresError 23505' })
    span.setStatus({ code: SpanStatusCode.ERROR, message: `failed for ${SENTINEL}` })
    span.end()

    const [exported] = exporter.getFinishedSpans()
    expect(exported!.attributes).toEqual({
      'http.url': 'http://clinai.example/api/trpc/conversations.search',
      'url.full': 'https://model.example/openai/deployments/x/chat/completions',
      'http.target': '/app/search',
      'http.route': '/app/search',
    })
    expect(exported!.events.map((event) => event.attributes?.['exception.message'])).toEqual([
      'Error',
      'PostgresError 23505',
    ])
    expect(exported!.status).toEqual({ code: SpanStatusCode.ERROR, message: undefined })
    const { name, attributes, events, status } = exported!
    expect(JSON.stringify({ name, attributes, events, status })).not.toContain(SENTINEL)
  })
})
