// Response bodies exactly as Azure OpenAI sends them (see shared/reference/azure-openai-wire.md).
// Field order follows what the service emits, which makes raw captures easy to compare by eye.

export type FilterCategory = 'hate' | 'self_harm' | 'sexual' | 'violence'

interface SeverityResult {
  filtered: boolean
  severity: 'safe' | 'low' | 'medium' | 'high'
}
interface DetectionResult {
  filtered: boolean
  detected: boolean
}
type CategoryResults = Record<FilterCategory, SeverityResult>

const CATEGORIES: readonly FilterCategory[] = ['hate', 'self_harm', 'sexual', 'violence']

function categoryResults(filtered: FilterCategory | null): CategoryResults {
  const results = {} as CategoryResults
  for (const category of CATEGORIES) {
    results[category] =
      category === filtered ? { filtered: true, severity: 'medium' } : { filtered: false, severity: 'safe' }
  }
  return results
}

export function promptFilterResults(filtered: FilterCategory | null = null) {
  const { hate, self_harm, sexual, violence } = categoryResults(filtered)
  const jailbreak: DetectionResult = { filtered: false, detected: false }
  return { hate, jailbreak, self_harm, sexual, violence }
}

export function completionFilterResults(filtered: FilterCategory | null = null): CategoryResults {
  return categoryResults(filtered)
}

// ---- errors ----

export interface WireError {
  status: number
  body: { error: Record<string, unknown> }
  headers?: Record<string, string>
}

export function notFound(): WireError {
  return { status: 404, body: { error: { code: '404', message: 'Resource not found' } } }
}

export function unauthorized(): WireError {
  return {
    status: 401,
    body: {
      error: {
        code: '401',
        message:
          'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key ' +
          'for an active subscription and use a correct regional API endpoint for your resource.',
      },
    },
  }
}

export function invalidRequest(
  message: string,
  param: string | null = null,
  code: string | null = null,
): WireError {
  return { status: 400, body: { error: { message, type: 'invalid_request_error', param, code } } }
}

export function payloadTooLarge(limitBytes: number): WireError {
  return {
    status: 413,
    body: {
      error: {
        code: 'RequestEntityTooLarge',
        message: `The request body exceeds the maximum allowed size of ${limitBytes} bytes.`,
      },
    },
  }
}

export function serverError(): WireError {
  return {
    status: 500,
    body: {
      error: {
        message: 'The server had an error while processing your request. Sorry about that!',
        type: 'server_error',
        param: null,
        code: null,
      },
    },
  }
}

export function promptFiltered(category: FilterCategory = 'violence'): WireError {
  return {
    status: 400,
    body: {
      error: {
        message:
          "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. " +
          'Please modify your prompt and retry. To learn more about our content filtering policies please read ' +
          'our documentation: https://go.microsoft.com/fwlink/?linkid=2198766',
        type: null,
        param: 'prompt',
        code: 'content_filter',
        status: 400,
        innererror: {
          code: 'ResponsibleAIPolicyViolation',
          content_filter_result: promptFilterResults(category),
        },
      },
    },
  }
}

export function rateLimited(apiVersion: string, retryAfterMs: number): WireError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000))
  return {
    status: 429,
    headers: {
      'retry-after': String(seconds),
      'retry-after-ms': String(retryAfterMs),
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-remaining-tokens': '0',
    },
    body: {
      error: {
        code: '429',
        message:
          `Requests to the ChatCompletions_Create Operation under Azure OpenAI API version ${apiVersion} have ` +
          'exceeded token rate limit of your current OpenAI S0 pricing tier. ' +
          `Please retry after ${seconds} ${seconds === 1 ? 'second' : 'seconds'}. ` +
          'Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit.',
      },
    },
  }
}

/** Not an Azure error: the simulator's own complaint about a malformed x-sim-* header. */
export function simulatorMisuse(message: string): WireError {
  return { status: 400, body: { error: { code: 'SimulatorBadRequest', message } } }
}

// ---- completions ----

export function usage(promptTokens: number, completionTokens: number) {
  return {
    completion_tokens: completionTokens,
    completion_tokens_details: {
      accepted_prediction_tokens: 0,
      audio_tokens: 0,
      reasoning_tokens: 0,
      rejected_prediction_tokens: 0,
    },
    prompt_tokens: promptTokens,
    prompt_tokens_details: { audio_tokens: 0, cached_tokens: 0 },
    total_tokens: promptTokens + completionTokens,
  }
}

export type FinishReason = 'stop' | 'length' | 'content_filter'

export interface CompletionMeta {
  id: string
  created: number
  model: string
  systemFingerprint: string
}

export function chatCompletion(
  meta: CompletionMeta,
  content: string | null,
  finishReason: FinishReason,
  filtered: FilterCategory | null,
  promptTokens: number,
  completionTokens: number,
) {
  return {
    choices: [
      {
        content_filter_results: completionFilterResults(filtered),
        finish_reason: finishReason,
        index: 0,
        logprobs: null,
        message: { annotations: [], content, refusal: null, role: 'assistant' },
      },
    ],
    created: meta.created,
    id: meta.id,
    model: meta.model,
    object: 'chat.completion',
    prompt_filter_results: [{ prompt_index: 0, content_filter_results: promptFilterResults() }],
    system_fingerprint: meta.systemFingerprint,
    usage: usage(promptTokens, completionTokens),
  }
}

/** The chunk Azure sends before anything else: no id, no model, only the prompt's filter verdict. */
export function promptFilterChunk() {
  return {
    choices: [],
    created: 0,
    id: '',
    model: '',
    object: '',
    prompt_filter_results: [{ prompt_index: 0, content_filter_results: promptFilterResults() }],
  }
}

type Delta = { role: 'assistant'; content: string } | { content: string } | Record<string, never>

export function choiceChunk(
  meta: CompletionMeta,
  delta: Delta,
  finishReason: FinishReason | null,
  contentFilterResults: CategoryResults | Record<string, never>,
) {
  return {
    choices: [
      {
        content_filter_results: contentFilterResults,
        delta,
        finish_reason: finishReason,
        index: 0,
        logprobs: null,
      },
    ],
    created: meta.created,
    id: meta.id,
    model: meta.model,
    object: 'chat.completion.chunk',
    system_fingerprint: meta.systemFingerprint,
  }
}

export function usageChunk(meta: CompletionMeta, promptTokens: number, completionTokens: number) {
  return {
    choices: [],
    created: meta.created,
    id: meta.id,
    model: meta.model,
    object: 'chat.completion.chunk',
    system_fingerprint: meta.systemFingerprint,
    usage: usage(promptTokens, completionTokens),
  }
}
