// One model generation, run to a terminal state with the guarantees every answer
// has, whatever it is written for (a chat answer today, a note's section next):
//   - text shown to the caller is saved within PROGRESS_EVERY_MS (at most one write per
//     interval, never one per token), so a crash loses at most that much of what was
//     shown, and a row with no save for STREAM_HEARTBEAT_MS is marked alive, so recovery
//     elsewhere knows it is still being written: the process's ProgressWriter
//     (./progress-writer.ts) does both for every generation at once, on one timer, the rows
//     of one person in one statement;
//   - aborting `signal` (the client went away, Stop) hangs up on the model at once and
//     ends it `stopped` with its text;
//   - it always ends `complete`, `stopped` or `error` with a code, with token usage
//     (the model's, else an estimate marked as such), stored through `store.finish`
//     with retries; if even that fails it reports `interrupted` and the stale-stream
//     sweep ends the row later;
//   - one span and one log line per generation, with identifiers and counts, never text.
// Where the text is stored, and what the caller is told, is the caller's: `store` and
// `onDelta`; `restore` turns the model's text into the caller's (pseudonymised prompts: the
// placeholders back into the details) before either sees it. Nothing here knows HTTP.
import { SpanStatusCode, type Attributes, type Span } from '@opentelemetry/api'
import type { ChatErrorCode } from '#server/contract/codes.ts'
import { LlmAbortedError, LlmError, type Llm, type PromptMessage } from '#server/llm/client.ts'
import { estimateTokens } from '#server/llm/prompt.ts'
import type { Logger } from '#server/logger.ts'
import { tracer } from '#server/telemetry/index.ts'
import { recordGeneration } from '#server/telemetry/metrics.ts'
import type { ProgressSlot } from './progress-writer.ts'

/**
 * Text shown to the caller is saved within this long (one write per interval at most), so
 * a crash (kill -9) loses at most this much of what was shown.
 */
export const PROGRESS_EVERY_MS = 500
/**
 * A live generation's row is written at least this often (a progress save, else a
 * heartbeat), so recovery elsewhere can tell it from a crashed one (services/chat/recovery.ts).
 */
export const STREAM_HEARTBEAT_MS = 2_000
/**
 * Waits between attempts at storing the ending (about 10 s in all, so a database restart
 * during an answer still stores it); after the last the sweep ends it as interrupted.
 */
const FINISH_RETRY_DELAYS_MS = [250, 500, 1000, 2000, 2000, 2000, 2000]

export type Ending =
  | { status: 'complete'; finishReason: string }
  | { status: 'stopped' }
  | { status: 'error'; code: ChatErrorCode }

export interface TokenUsage {
  promptTokens: number
  completionTokens: number
  estimated: boolean
}

export interface GenerationOutcome {
  content: string
  ending: Ending
  usage: TokenUsage
  timeToFirstTokenMs: number | null
}

/** Where a generation keeps its text. */
export interface GenerationStore {
  /**
   * The row's slot in the process's ProgressWriter, which saves `snapshot()` (the text so far)
   * within PROGRESS_EVERY_MS of each change and marks the row alive meanwhile.
   */
  openProgress(snapshot: () => string): ProgressSlot
  /**
   * Stores the ending with its usage, in its own transaction; false when the row had already
   * ended (marked interrupted).
   */
  finish(outcome: GenerationOutcome): Promise<boolean>
}

/**
 * The generations this process is running, so a shutdown (App Service sends SIGTERM on
 * every deploy and slot swap) can let them finish, and stop the rest with their text
 * saved instead of leaving them `streaming`.
 */
export class LiveGenerations {
  private readonly shutdown = new AbortController()
  private readonly running = new Set<Promise<unknown>>()

  /** Aborted when the process stops them; every generation listens to it. */
  get signal(): AbortSignal {
    return this.shutdown.signal
  }

  get size(): number {
    return this.running.size
  }

  track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work)
    void work.finally(() => this.running.delete(work)).catch(() => {})
    return work
  }

  /** Resolves when none is running, or after `timeoutMs`, whichever comes first. */
  async settled(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (this.running.size > 0 && Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined
      await Promise.race([
        Promise.allSettled([...this.running]),
        new Promise((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now())))),
      ])
      clearTimeout(timer)
    }
  }

  /** Stops every running generation: each ends `stopped` with its text and tells its caller. */
  stopAll(): void {
    this.shutdown.abort()
  }
}

export interface GenerationRequest {
  llm: Llm
  logger: Logger
  deployment: string
  messages: PromptMessage[]
  /** The prompt's estimated size, counted when the model sends no usage. */
  estimatedPromptTokens: number
  signal: AbortSignal
  /** The process's registry: the generation counts as live and stops when the process stops it. */
  live?: LiveGenerations
  store: GenerationStore
  /** Each piece of text as it arrives (restored, when `restore` is given). */
  onDelta(text: string): void
  /**
   * Turns the model's text into what is shown and stored: `text` for a whole text, `stream` for
   * one answer's pieces in order (it may hold a piece's tail back until the next completes it).
   */
  restore?: OutputRestorer
  /**
   * What this generation is for the span and the log (`chat.completion`, `chat answer`) and
   * the identifiers they carry: ids only, never text.
   */
  telemetry: { span: string; what: string; attributes: Attributes; log: Record<string, unknown> }
}

export interface OutputRestorer {
  text(text: string): string
  stream(): { push(piece: string): string; flush(): string }
}

/**
 * The outcome as stored, or `interrupted` when storing it failed even after retries.
 * `stoppedBy` tells a stop by the caller (the client went away, Stop) from one by the
 * process shutting down, whose client is still there to be told.
 */
export type GenerationResult = GenerationOutcome & {
  stored: boolean
  stoppedBy: 'caller' | 'shutdown' | null
}

export function runGeneration(request: GenerationRequest): Promise<GenerationResult> {
  const work = generate(request)
  return request.live ? request.live.track(work) : work
}

function generate(request: GenerationRequest): Promise<GenerationResult> {
  const signal = request.live ? AbortSignal.any([request.signal, request.live.signal]) : request.signal
  const stoppedBy = (ending: Ending): GenerationResult['stoppedBy'] =>
    ending.status !== 'stopped' ? null : request.signal.aborted ? 'caller' : 'shutdown'
  return tracer.startActiveSpan(request.telemetry.span, async (span): Promise<GenerationResult> => {
    span.setAttributes({
      'gen_ai.operation.name': 'chat',
      'gen_ai.system': request.llm.provider === 'azure' ? 'az.ai.openai' : 'openai',
      'gen_ai.request.model': request.deployment,
      ...request.telemetry.attributes,
    })
    try {
      const outcome = await streamModel(request, signal)
      record(span, outcome)
      recordGeneration({
        generation: request.telemetry.span,
        tenantId: String(request.telemetry.attributes['clinai.tenant_id'] ?? 'unknown'),
        model: request.deployment,
        promptTokens: outcome.usage.promptTokens,
        completionTokens: outcome.usage.completionTokens,
        outcome: outcome.ending.status === 'error' ? outcome.ending.code : outcome.ending.status,
        timeToFirstTokenMs: outcome.timeToFirstTokenMs,
      })
      try {
        await finishWithRetry(request, outcome)
      } catch (error) {
        // Storing the ending failed even after retries: the stale-stream sweep ends it as interrupted.
        span.setStatus({ code: SpanStatusCode.ERROR })
        request.logger.error(
          { ...request.telemetry.log, err: { name: (error as Error).name } },
          `${request.telemetry.what} could not be stored`,
        )
        return {
          ...outcome,
          ending: { status: 'error', code: 'interrupted' },
          stored: false,
          stoppedBy: null,
        }
      }
      request.logger.info(
        {
          ...request.telemetry.log,
          status: outcome.ending.status,
          code: outcome.ending.status === 'error' ? outcome.ending.code : undefined,
          promptTokens: outcome.usage.promptTokens,
          completionTokens: outcome.usage.completionTokens,
          usageEstimated: outcome.usage.estimated,
          timeToFirstTokenMs: outcome.timeToFirstTokenMs,
        },
        `${request.telemetry.what} ended`,
      )
      return { ...outcome, stored: true, stoppedBy: stoppedBy(outcome.ending) }
    } finally {
      span.end()
    }
  })
}

async function streamModel(request: GenerationRequest, signal: AbortSignal): Promise<GenerationOutcome> {
  const { llm, store } = request
  const restoreText = request.restore ? request.restore.text.bind(request.restore) : (text: string) => text
  const shown = request.restore?.stream()
  const startedAt = performance.now()
  let content = ''
  // The writer reads the text when it saves (restored then, once per save, not per piece).
  const progress = store.openProgress(() => restoreText(content))
  let finishReason: string | null = null
  let reported: { promptTokens: number; completionTokens: number } | null = null
  let firstTokenAt: number | null = null
  let ending: Ending

  try {
    for await (const event of llm.stream({
      deployment: request.deployment,
      messages: request.messages,
      signal,
    })) {
      if (event.type === 'delta') {
        firstTokenAt ??= performance.now()
        content += event.text
        const piece = shown ? shown.push(event.text) : event.text
        if (piece !== '') request.onDelta(piece)
        progress.changed()
      } else if (event.type === 'finish') {
        finishReason = event.finishReason
      } else {
        reported = { promptTokens: event.promptTokens, completionTokens: event.completionTokens }
      }
    }
    if (signal.aborted) ending = { status: 'stopped' }
    // A stream that ends without a finish reason was cut short: an error, not a success.
    else if (finishReason === null) ending = { status: 'error', code: 'incomplete' }
    else if (finishReason === 'content_filter') ending = { status: 'error', code: 'content_filter' }
    else ending = { status: 'complete', finishReason }
  } catch (error) {
    if (error instanceof LlmAbortedError || signal.aborted) ending = { status: 'stopped' }
    else if (error instanceof LlmError) ending = { status: 'error', code: error.code }
    else {
      request.logger.error({ err: { name: (error as Error).name } }, 'unexpected error while streaming')
      ending = { status: 'error', code: 'model_unavailable' }
    }
  }
  // No save after this one: the ending (with the whole text) is written next.
  await progress.close()
  // A tail held back (an unfinished placeholder at the very end) is the answer's too.
  const rest = shown?.flush() ?? ''
  if (rest !== '') request.onDelta(rest)

  // Upstream usage when it came; otherwise an estimate, marked as such. Nothing is
  // counted when the model never answered (refused or unreachable before streaming).
  const answered = firstTokenAt !== null || finishReason !== null
  const usage: TokenUsage = reported
    ? { ...reported, estimated: false }
    : answered || ending.status === 'stopped'
      ? {
          promptTokens: request.estimatedPromptTokens,
          completionTokens: estimateTokens(content),
          estimated: true,
        }
      : { promptTokens: 0, completionTokens: 0, estimated: false }
  return {
    content: restoreText(content),
    ending,
    usage,
    timeToFirstTokenMs: firstTokenAt === null ? null : Math.round(firstTokenAt - startedAt),
  }
}

function record(span: Span, outcome: GenerationOutcome) {
  span.setAttributes({
    'gen_ai.usage.input_tokens': outcome.usage.promptTokens,
    'gen_ai.usage.output_tokens': outcome.usage.completionTokens,
    'clinai.usage.estimated': outcome.usage.estimated,
    'clinai.chat.status': outcome.ending.status,
  })
  if (outcome.ending.status === 'complete') {
    span.setAttribute('gen_ai.response.finish_reasons', [outcome.ending.finishReason])
  }
  if (outcome.ending.status === 'error') {
    span.setAttribute('error.type', outcome.ending.code)
    span.setStatus({ code: SpanStatusCode.ERROR })
  }
  if (outcome.timeToFirstTokenMs !== null) {
    span.setAttribute('clinai.chat.time_to_first_token_ms', outcome.timeToFirstTokenMs)
  }
}

async function finishWithRetry(request: GenerationRequest, outcome: GenerationOutcome) {
  for (let attempt = 1; ; attempt++) {
    try {
      await request.store.finish(outcome)
      return
    } catch (error) {
      const delay = FINISH_RETRY_DELAYS_MS[attempt - 1]
      if (delay === undefined) throw error
      request.logger.warn(
        { ...request.telemetry.log, attempt },
        `retrying to store a ${request.telemetry.what}`,
      )
      await new Promise((resolve) => setTimeout(resolve, delay))
    }
  }
}
