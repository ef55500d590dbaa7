// Bridge: exceptions that reach Remix's handleError go to telemetry by kind only.
export { recordException } from '#server/telemetry/index.ts'
