// OpenTelemetry for the server. With APPLICATIONINSIGHTS_CONNECTION_STRING set, requests,
// dependencies (the model, Blob, PostgreSQL transactions), exceptions, our spans and
// metrics go to Application Insights through the Azure Monitor distro; without it the
// API's no-op implementations are used (tests may install an in-memory provider instead).
//
// In production the distro starts before any instrumented module is imported
// (`node --import ./build/telemetry/instrument.js`, see ./instrument.ts), as ESM
// instrumentation needs. Nothing clinical leaves: spans carry identifiers, model names and
// counts; the privacy processor below strips query strings (a tRPC GET carries its input,
// a search term is clinical text), statement text and exception messages from whatever an
// instrumentation recorded, before the exporter sees it.
import { shutdownAzureMonitor, useAzureMonitor } from '@azure/monitor-opentelemetry'
import { trace, type Exception } from '@opentelemetry/api'
import { registerInstrumentations } from '@opentelemetry/instrumentation'
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici'
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base'

export const tracer = trace.getTracer('clinai')

// Shared by the --import entry and the server bundle, which are separate copies of this module.
const STATE = Symbol.for('clinai.telemetry')
type State = { started: boolean; flushed?: Promise<void> }
const state = ((globalThis as Record<symbol, State | undefined>)[STATE] ??= { started: false })

export function telemetryStarted(): boolean {
  return state.started
}

/** Starts the distro once; later calls (the server after the --import entry) do nothing. */
export function startTelemetry(connectionString: string | undefined): void {
  if (state.started || !connectionString) return
  state.started = true
  useAzureMonitor({
    azureMonitorExporterOptions: { connectionString },
    // No sampling: every request is exported, so every failed one is (the distro's default
    // keeps at most 5 traces a second, dropping failures with the rest).
    samplingRatio: 1,
    tracesPerSecond: 0,
    enableLiveMetrics: false,
    instrumentationOptions: {
      http: { enabled: true },
      azureSdk: { enabled: true },
      // Our PostgreSQL is postgres.js, traced per transaction in db/client.ts without statement
      // text; `pg` is the job queue's own driver, whose polling would only add noise.
      postgreSql: { enabled: false },
      mongoDb: { enabled: false },
      mySql: { enabled: false },
      redis: { enabled: false },
      redis4: { enabled: false },
      bunyan: { enabled: false },
      winston: { enabled: false },
    },
    spanProcessors: [new PrivacySpanProcessor()],
  })
  // The model and the identity provider are reached with fetch (undici), which the http
  // instrumentation does not see.
  registerInstrumentations({ instrumentations: [new UndiciInstrumentation()] })
}

/** Sends what is buffered and stops (a no-op without a connection string). */
export function flushTelemetry(): Promise<void> {
  if (!state.started) return Promise.resolve()
  state.flushed ??= shutdownAzureMonitor().catch(() => {})
  return state.flushed
}

/**
 * Names the current request by its route template (`/api/chat/:conversationId`), so
 * Application Insights groups requests by route rather than by id.
 */
export function setRequestRoute(method: string, template: string, requestId?: string): void {
  const span = trace.getActiveSpan()
  if (!span) return
  span.setAttribute('http.route', template)
  if (requestId) span.setAttribute('clinai.request_id', requestId)
  span.updateName(`${method} ${template}`)
}

/**
 * Records an exception on the current span by kind only: an error's message can quote data
 * (a database error names the duplicate value), so the message is the kind or code, and the
 * stack keeps its frames without the first line.
 */
export function recordException(error: unknown): void {
  const span = trace.getActiveSpan()
  if (!span) return
  const err = error instanceof Error ? error : new Error('non-error thrown')
  const code = (err as { code?: unknown }).code
  const kind = typeof code === 'string' || typeof code === 'number' ? `${err.name} ${code}` : err.name
  const frames = (err.stack ?? '').split('\n').slice(1, 12).join('\n')
  const exception: Exception = { name: err.name, message: kind, stack: `${err.name}: ${kind}\n${frames}` }
  span.recordException(exception)
}

// Attributes that may carry text from a request: removed, or cut at the query string.
const DROPPED = ['url.query', 'db.statement', 'db.query.text', 'http.request.body']
const CUT_AT_QUERY = ['http.url', 'url.full', 'http.target', 'url.path', 'http.request.header.referer']
const KIND_ONLY = /^[\w.]+( [\w.-]+)?$/

/**
 * Runs before the exporter's batch processor (the distro orders them so) and edits each
 * ended span in place: the exporter reads these same objects when it sends the batch.
 */
export class PrivacySpanProcessor implements SpanProcessor {
  onStart(): void {}

  onEnd(span: ReadableSpan): void {
    const attributes = span.attributes as Record<string, unknown>
    for (const key of Object.keys(attributes)) {
      if (DROPPED.includes(key) || key.startsWith('db.query.parameter')) delete attributes[key]
      else if (CUT_AT_QUERY.includes(key) && typeof attributes[key] === 'string') {
        attributes[key] = attributes[key].replace(/[?#].*$/s, '')
      }
    }
    for (const event of span.events) {
      const details = event.attributes as Record<string, unknown> | undefined
      if (event.name !== 'exception' || !details) continue
      const type = String(details['exception.type'] ?? 'Error')
      // Ours (recordException) hold the kind only; anything else loses its message.
      if (!KIND_ONLY.test(String(details['exception.message'] ?? ''))) details['exception.message'] = type
      if (typeof details['exception.stacktrace'] === 'string') {
        const frames = details['exception.stacktrace'].split('\n').slice(1)
        details['exception.stacktrace'] = [
          `${type}: ${String(details['exception.message'])}`,
          ...frames,
        ].join('\n')
      }
    }
    // A status message is free text (an instrumentation may copy an error's message into it).
    if (span.status.message) (span.status as { message?: string }).message = undefined
  }

  forceFlush(): Promise<void> {
    return Promise.resolve()
  }

  shutdown(): Promise<void> {
    return Promise.resolve()
  }
}
