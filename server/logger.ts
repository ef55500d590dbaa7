// Structured JSON logs. Identifiers only: request bodies, message text, names
// and emails are never logged, and the redaction list is a second net for
// anything that slips into a log call by mistake.
import { pino, type DestinationStream, type Logger } from 'pino'

export type { Logger }

export const redactedPaths = [
  'content',
  'text',
  'prompt',
  'answer',
  'name',
  'email',
  'title',
  'password',
  'token',
  'authorization',
  'cookie',
  '*.content',
  '*.text',
  '*.prompt',
  '*.answer',
  '*.name',
  '*.email',
  '*.title',
  '*.password',
  '*.token',
  '*.authorization',
  '*.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
]

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'clinai' },
      redact: { paths: redactedPaths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  )
}
