// The model behind the chat: Azure OpenAI through the `openai` package's AzureOpenAI
// client (or any OpenAI-compatible server), as a stream of plain events.
//
// Retries happen only before a stream starts: the SDK retries 429, 5xx and
// connection failures up to `maxRetries`, honouring `retry-after-ms`/`retry-after`.
// Once the answer streams, a failure ends it; nothing is replayed. Timeouts: the
// SDK's `timeout` bounds each attempt until the response starts, and an idle timer
// bounds the silence between chunks of a started stream.
//
// Credentials: a configured key is sent as `api-key`; an Azure endpoint without a key
// gets Entra ID tokens from @azure/identity (on App Service, the managed identity).
import { DefaultAzureCredential, getBearerTokenProvider, type TokenCredential } from '@azure/identity'
import OpenAI, { APIConnectionTimeoutError, APIError, APIUserAbortError, AzureOpenAI } from 'openai'
import type { ChatErrorCode } from '#server/chat/events.ts'
import type { LlmConfig } from '#server/config/env.ts'

export interface PromptMessage {
  role: 'system' | 'user' | 'assistant'
  content: string
}

export type LlmEvent =
  | { type: 'delta'; text: string }
  | { type: 'finish'; finishReason: string }
  | { type: 'usage'; promptTokens: number; completionTokens: number }

export interface LlmRequest {
  /** Azure deployment name (or model name of an OpenAI-compatible server). */
  deployment: string
  messages: PromptMessage[]
  /** Aborting it hangs up on the upstream request at once. */
  signal: AbortSignal
}

export interface Llm {
  provider: LlmConfig['provider']
  defaultDeployment: string
  contextTokens: number
  maxOutputTokens: number
  /**
   * The answer as events. Throws LlmError for every failure the user should hear
   * about, or LlmAbortedError once `signal` has aborted. Ends after the upstream's
   * last chunk; the caller decides whether a finish reason arrived.
   */
  stream(request: LlmRequest): AsyncGenerator<LlmEvent, void, undefined>
}

/** A failure with a user-safe code; `status` is the upstream HTTP status when there was one. */
export class LlmError extends Error {
  constructor(
    readonly code: ChatErrorCode,
    readonly status?: number,
  ) {
    super(`model request failed: ${code}${status ? ` (HTTP ${status})` : ''}`)
    this.name = 'LlmError'
  }
}

/** The caller aborted: the client went away or pressed stop. */
export class LlmAbortedError extends Error {
  constructor() {
    super('model request aborted by the caller')
    this.name = 'LlmAbortedError'
  }
}

/** The scope of Azure OpenAI's data plane for Entra ID tokens. */
export const AZURE_OPENAI_SCOPE = 'https://cognitiveservices.azure.com/.default'

export interface LlmOptions {
  /** For an Azure endpoint without a key; DefaultAzureCredential when not given. */
  credential?: TokenCredential
}

export function createLlm(config: LlmConfig, options: LlmOptions = {}): Llm {
  const common = { timeout: config.requestTimeoutMs, maxRetries: config.maxRetries }
  const client: OpenAI =
    config.provider === 'azure'
      ? // baseURL undefined explicitly: the SDK would otherwise read OPENAI_BASE_URL from the environment.
        new AzureOpenAI({
          ...common,
          ...(config.apiKey !== undefined
            ? { apiKey: config.apiKey }
            : {
                azureADTokenProvider: getBearerTokenProvider(
                  options.credential ?? new DefaultAzureCredential(),
                  AZURE_OPENAI_SCOPE,
                ),
              }),
          endpoint: config.url,
          apiVersion: config.apiVersion,
          baseURL: undefined,
        })
      : new OpenAI({ ...common, apiKey: config.apiKey ?? 'none', baseURL: config.url })

  return {
    provider: config.provider,
    defaultDeployment: config.defaultDeployment,
    contextTokens: config.contextTokens,
    maxOutputTokens: config.maxOutputTokens,
    async *stream({ deployment, messages, signal }) {
      let stream
      try {
        stream = await client.chat.completions.create(
          {
            model: deployment,
            messages,
            stream: true,
            stream_options: { include_usage: true },
            max_tokens: config.maxOutputTokens,
          },
          { signal },
        )
      } catch (error) {
        throw toLlmError(error, signal)
      }

      const chunks = stream[Symbol.asyncIterator]()
      try {
        for (;;) {
          const next = await nextWithin(chunks, config.idleTimeoutMs, () => stream.controller.abort())
          if (next.done) return
          const chunk = next.value
          if (chunk.usage) {
            yield {
              type: 'usage',
              promptTokens: chunk.usage.prompt_tokens,
              completionTokens: chunk.usage.completion_tokens,
            }
          }
          // Azure's first chunk carries only prompt filter results and no choices.
          for (const choice of chunk.choices ?? []) {
            if (choice.index !== 0) continue
            const text = choice.delta?.content
            if (text) yield { type: 'delta', text }
            if (choice.finish_reason) yield { type: 'finish', finishReason: choice.finish_reason }
          }
        }
      } catch (error) {
        if (error instanceof LlmError) throw error
        if (signal.aborted) throw new LlmAbortedError()
        // A connection cut mid-answer surfaces as a fetch TypeError ("terminated").
        throw new LlmError('incomplete')
      } finally {
        // Leaving early (the caller stopped iterating) must hang up on the upstream too.
        if (!stream.controller.signal.aborted) stream.controller.abort()
      }
    },
  }
}

/** The iterator's next chunk, or LlmError('timeout') after `ms` of silence (and `onTimeout` hangs up). */
async function nextWithin<T>(
  iterator: AsyncIterator<T>,
  ms: number,
  onTimeout: () => void,
): Promise<IteratorResult<T>> {
  const next = iterator.next()
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // The pending read rejects once we hang up; nobody waits for it any more.
      next.catch(() => {})
      onTimeout()
      reject(new LlmError('timeout'))
    }, ms)
  })
  try {
    return await Promise.race([next, timeout])
  } finally {
    clearTimeout(timer)
  }
}

function toLlmError(error: unknown, signal: AbortSignal): Error {
  if (signal.aborted || error instanceof APIUserAbortError) return new LlmAbortedError()
  if (error instanceof APIConnectionTimeoutError) return new LlmError('timeout')
  if (error instanceof APIError) {
    const status = error.status
    if (status === 400 && (error.code === 'content_filter' || /content.?filter/i.test(error.message))) {
      return new LlmError('content_filter', status)
    }
    if (status === 429) return new LlmError('model_rate_limited', status)
    return new LlmError('model_unavailable', status)
  }
  return new LlmError('model_unavailable')
}
