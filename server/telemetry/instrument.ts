// The first module production loads (`node --import ./build/telemetry/instrument.js build/server.js`,
// see `npm start`): with APPLICATIONINSIGHTS_CONNECTION_STRING set it registers the ESM
// instrumentation hook and starts the Azure Monitor distro before express, the http
// server and the Azure SDK are imported, which ESM instrumentation needs. Without it,
// nothing is loaded and nothing is hooked. (The build splits the dynamic import into a chunk
// of its own, so the distro is evaluated only after the hook is registered.)
const connectionString = process.env.APPLICATIONINSIGHTS_CONNECTION_STRING?.trim()

if (connectionString && connectionString.length <= 2000) {
  await import('@azure/monitor-opentelemetry/loader')
  const { startTelemetry } = await import('./index.ts')
  startTelemetry(connectionString)
}

export {}
