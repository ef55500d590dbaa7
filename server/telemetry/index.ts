// OpenTelemetry for the server. With APPLICATIONINSIGHTS_CONNECTION_STRING set,
// traces go to Application Insights through the Azure Monitor distro; without it
// the API's no-op tracer is used (tests install an in-memory provider instead).
// Spans carry identifiers, model names and counts only, never clinical text.
import { shutdownAzureMonitor, useAzureMonitor } from '@azure/monitor-opentelemetry'
import { trace } from '@opentelemetry/api'
import type { Config } from '#server/config/env.ts'

export const tracer = trace.getTracer('clinai')

let started = false

export function startTelemetry(config: Config) {
  if (started || !config.telemetry.connectionString) return
  started = true
  useAzureMonitor({
    azureMonitorExporterOptions: { connectionString: config.telemetry.connectionString },
    // Request bodies and SQL text could hold clinical content; the instrumentations we keep record neither.
    instrumentationOptions: { postgreSql: { enabled: false }, http: { enabled: true } },
  })
}

/** Sends what is buffered before the process exits (a no-op without a connection string). */
export async function flushTelemetry(): Promise<void> {
  if (!started) return
  started = false
  await shutdownAzureMonitor().catch(() => {})
}
