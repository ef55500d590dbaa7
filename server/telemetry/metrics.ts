// The product's metrics, by identifiers and codes only: tokens by clinic and model, time to
// first token, how answers end and why requests were refused, and the job queue's work.
// Instruments are made on first use, after the distro has set the global meter provider
// (the metrics API has no proxy: a meter taken before that would stay a no-op).
import { metrics, type Counter, type Histogram } from '@opentelemetry/api'
import { telemetryStarted } from './index.ts'

interface Instruments {
  tokens: Counter
  timeToFirstToken: Histogram
  outcomes: Counter
  jobs: Counter
  jobDuration: Histogram
}

let instruments: Instruments | undefined

function get(): Instruments {
  if (instruments) return instruments
  const meter = metrics.getMeter('clinai')
  const made: Instruments = {
    tokens: meter.createCounter('clinai.tokens', {
      description: 'Model tokens used, by clinic, model and direction (input, output)',
      unit: '{token}',
    }),
    timeToFirstToken: meter.createHistogram('clinai.time_to_first_token', {
      description: 'From the model request to the first piece of text',
      unit: 'ms',
    }),
    outcomes: meter.createCounter('clinai.chat.outcomes', {
      description: 'Chat answers and note sections by how they ended, and refusals by code',
    }),
    jobs: meter.createCounter('clinai.jobs', { description: 'Job attempts by queue and outcome' }),
    jobDuration: meter.createHistogram('clinai.job.duration', {
      description: 'How long a job attempt ran',
      unit: 'ms',
    }),
  }
  // Before the distro starts (tests, a dev server without telemetry) the meters are no-ops; keep
  // looking for the real provider until there is one.
  if (telemetryStarted()) instruments = made
  return made
}

export interface GenerationMetrics {
  /** `chat.completion` or `note.section`. */
  generation: string
  tenantId: string
  model: string
  promptTokens: number
  completionTokens: number
  /** `complete`, `stopped`, or the error's code. */
  outcome: string
  timeToFirstTokenMs: number | null
}

export function recordGeneration(m: GenerationMetrics): void {
  const { tokens, timeToFirstToken, outcomes } = get()
  const base = {
    'clinai.tenant_id': m.tenantId,
    'gen_ai.request.model': m.model,
    'clinai.generation': m.generation,
  }
  if (m.promptTokens > 0) tokens.add(m.promptTokens, { ...base, 'gen_ai.token.type': 'input' })
  if (m.completionTokens > 0) tokens.add(m.completionTokens, { ...base, 'gen_ai.token.type': 'output' })
  if (m.timeToFirstTokenMs !== null) timeToFirstToken.record(m.timeToFirstTokenMs, base)
  outcomes.add(1, { 'clinai.generation': m.generation, 'clinai.outcome': m.outcome })
}

/** A chat or draft request refused before any model call, by its code. */
export function recordRefusal(code: string, status: number): void {
  get().outcomes.add(1, {
    'clinai.outcome': 'refused',
    'clinai.code': code,
    'http.response.status_code': status,
  })
}

export function recordJob(queue: string, outcome: 'completed' | 'failed', ms: number): void {
  const { jobs, jobDuration } = get()
  jobs.add(1, { 'clinai.job.queue': queue, 'clinai.job.outcome': outcome })
  jobDuration.record(ms, { 'clinai.job.queue': queue, 'clinai.job.outcome': outcome })
}
