// The simulator is only useful if the real SDK cannot tell it from Azure, so these tests drive it
// with the `openai` package over HTTP and look at the raw SSE where framing matters.
import http from 'node:http'
import OpenAI, { AzureOpenAI } from 'openai'
import type { ChatCompletionChunk, ChatCompletionMessageParam } from 'openai/resources/chat/completions'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { composeAnswer } from './answer.ts'
import { startAoaiSimulator, type AoaiSimulator } from './server.ts'
import { countPromptTokens, countTokens, tokenize } from './tokens.ts'

const apiKey = 'test-key'
const apiVersion = '2024-10-21'
const deployment = 'gpt-4o-mini'
let sim: AoaiSimulator

beforeAll(async () => {
  sim = await startAoaiSimulator({ apiKey, tokensPerSecond: 5000, firstTokenMs: 5, retryAfterMs: 20 })
})
afterAll(async () => {
  await sim?.close()
})

function azure(options: { maxRetries?: number; key?: string } = {}) {
  return new AzureOpenAI({
    endpoint: sim.url,
    apiKey: options.key ?? apiKey,
    apiVersion,
    deployment,
    maxRetries: options.maxRetries ?? 0,
    timeout: 10_000,
  })
}

function ask(content: string, system = 'You are a helpful assistant for a physiotherapy clinic.') {
  const messages: ChatCompletionMessageParam[] = [
    { role: 'system', content: system },
    { role: 'user', content },
  ]
  return messages
}

/** The same messages as the simulator sees them, for computing expected token counts. */
function plain(messages: ChatCompletionMessageParam[]) {
  return messages.map((message) => ({ role: message.role, content: String(message.content) }))
}

async function collect(stream: AsyncIterable<ChatCompletionChunk>) {
  const chunks: ChatCompletionChunk[] = []
  let error: unknown = null
  try {
    for await (const chunk of stream) chunks.push(chunk)
  } catch (caught) {
    error = caught
  }
  const text = chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('')
  const finishReasons = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.finish_reason))
  return { chunks, text, error, finishReason: finishReasons.find((reason) => reason !== null) ?? null }
}

function deploymentUrl(version: string | null = apiVersion) {
  const query = version === null ? '' : `?api-version=${version}`
  return `${sim.url}/openai/deployments/${deployment}/chat/completions${query}`
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'api-key': apiKey, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  return { response, text: await response.text() }
}

describe('tokens', () => {
  it('splits text into pieces that rejoin exactly and count consistently', () => {
    const text = 'Hello,  world!! 12345 Grüße\r\n\n  **Behandlungsdokumentation** 🙂🙂🙂 end  '
    const pieces = tokenize(text)
    expect(pieces.join('')).toBe(text)
    expect(countTokens(text)).toBe(pieces.length)
    // Any prefix cut on a token boundary counts exactly as many tokens as it holds.
    for (let n = 0; n <= pieces.length; n++) expect(countTokens(pieces.slice(0, n).join(''))).toBe(n)
    expect(countTokens('')).toBe(0)
    expect(countTokens('the cat sat')).toBe(3)
    expect(countTokens('Behandlungsdokumentation')).toBe(4) // 24 letters, 6 per token
  })

  it('counts prompt tokens with per-message framing', () => {
    const messages = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi there', name: 'anna' },
    ]
    // 3 priming + (4 + 3) + (4 + 2 + 1 + 1)
    expect(countPromptTokens(messages)).toBe(18)
  })
})

describe('answers', () => {
  it('are plausible, deterministic markdown in the right language and length', () => {
    const english = ask('How should I document a knee injury after a fall?')
    const answer = composeAnswer(plain(english))
    expect(answer).toBe(composeAnswer(plain(english)))
    expect(answer).toMatch(/\*\*knee\*\*/)
    expect(answer.match(/^- /gm)?.length).toBeGreaterThanOrEqual(3)
    expect(answer).toMatch(/clinical|clinician/i)
    const tokens = countTokens(answer)
    expect(tokens).toBeGreaterThanOrEqual(60)
    expect(tokens).toBeLessThanOrEqual(180)

    const german = composeAnswer(plain(ask('Wie dokumentiere ich eine Knieverletzung nach einem Sturz?')))
    expect(german).toMatch(/Knieverletzung/)
    expect(german).toMatch(/Sie|Ihnen/)
    // A message too short to tell falls back on the system prompt's language.
    expect(composeAnswer(plain(ask('Rückenschmerzen', 'Antworte immer auf Deutsch.')))).toMatch(/Sie|Ihnen/)
  })
})

describe('AzureOpenAI over HTTP', () => {
  it('answers a non-streaming request with content, filter results and usage', async () => {
    const messages = ask('What should a follow-up plan for chronic lower back pain include?')
    const { data, response } = await azure()
      .chat.completions.create({ model: deployment, messages })
      .withResponse()
    const choice = data.choices[0]
    expect(data.object).toBe('chat.completion')
    expect(data.id).toMatch(/^chatcmpl-[A-Za-z0-9]+$/)
    expect(data.model).toBe('gpt-4o-mini-2024-07-18')
    expect(data.system_fingerprint).toMatch(/^fp_[0-9a-f]+$/)
    expect(choice?.finish_reason).toBe('stop')
    expect(choice?.message.role).toBe('assistant')
    const content = choice?.message.content ?? ''
    expect(content).toBe(composeAnswer(plain(messages)))
    expect(data.usage).toMatchObject({
      prompt_tokens: countPromptTokens(plain(messages)),
      completion_tokens: countTokens(content),
      total_tokens: countPromptTokens(plain(messages)) + countTokens(content),
    })
    const raw = data as unknown as {
      prompt_filter_results: unknown[]
      choices: Array<{ content_filter_results: Record<string, unknown> }>
    }
    expect(raw.prompt_filter_results).toHaveLength(1)
    expect(raw.choices[0]?.content_filter_results.violence).toEqual({ filtered: false, severity: 'safe' })

    const id = response.headers.get('x-sim-request-id') ?? ''
    const record = await sim.waitForRequestEnd(id)
    expect(record).toMatchObject({ deployment, stream: false, fault: null, status: 200, finished: true })
    expect(record.clientClosedEarly).toBe(false)
  })

  it('streams prompt filter, role, ordered content, stop and usage chunks', async () => {
    const messages = ask('How do I write a discharge summary after knee surgery rehabilitation?')
    const stream = await azure().chat.completions.create({
      model: deployment,
      messages,
      stream: true,
      stream_options: { include_usage: true },
    })
    const { chunks, text, error, finishReason } = await collect(stream)
    expect(error).toBeNull()

    const [promptFilter, role, ...rest] = chunks
    const first = promptFilter as unknown as Record<string, unknown>
    expect(first.id).toBe('')
    expect(first.choices).toEqual([])
    expect(first.prompt_filter_results).toEqual([
      {
        prompt_index: 0,
        content_filter_results: {
          hate: { filtered: false, severity: 'safe' },
          jailbreak: { filtered: false, detected: false },
          self_harm: { filtered: false, severity: 'safe' },
          sexual: { filtered: false, severity: 'safe' },
          violence: { filtered: false, severity: 'safe' },
        },
      },
    ])
    expect(role?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' })
    expect(role?.id).toMatch(/^chatcmpl-/)

    const content = rest.filter((chunk) => chunk.choices[0]?.delta?.content)
    expect(content.length).toBeGreaterThan(5)
    // Batched like Azure: several tokens per chunk, never the whole answer at once.
    expect(content.some((chunk) => countTokens(chunk.choices[0]?.delta?.content ?? '') > 1)).toBe(true)
    for (const chunk of content) {
      expect(chunk.object).toBe('chat.completion.chunk')
      expect(chunk.id).toBe(role?.id)
      expect((chunk.choices[0] as unknown as Record<string, unknown>).content_filter_results).toBeDefined()
    }
    expect(text).toBe(composeAnswer(plain(messages)))
    expect(finishReason).toBe('stop')

    const finish = chunks.at(-2)
    expect(finish?.choices[0]?.delta).toEqual({})
    expect(finish?.choices[0]?.finish_reason).toBe('stop')
    const usage = chunks.at(-1)
    expect(usage?.choices).toEqual([])
    expect(usage?.usage).toMatchObject({
      prompt_tokens: countPromptTokens(plain(messages)),
      completion_tokens: countTokens(text),
      total_tokens: countPromptTokens(plain(messages)) + countTokens(text),
    })
    for (const chunk of chunks.slice(0, -1)) expect(chunk.usage).toBeNull()
  })

  it('frames raw SSE as data events ending in [DONE]', async () => {
    const messages = ask('Checklist for a first session with a new patient?')
    const { response, text } = await post(deploymentUrl(), {
      messages,
      stream: true,
      stream_options: { include_usage: true },
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/)
    expect(response.headers.get('x-sim-request-id')).toMatch(/^sim-\d+$/)
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true)
    const events = text.split('\n\n').slice(0, -1)
    for (const event of events) expect(event).toMatch(/^data: /)
    expect(events.at(-1)).toBe('data: [DONE]')
    const payloads = events.slice(0, -1).map((event) => JSON.parse(event.slice('data: '.length)))
    expect(payloads[0].prompt_filter_results).toBeDefined()
    expect(payloads.at(-1).usage.completion_tokens).toBeGreaterThan(0)
    expect(payloads.slice(0, -1).every((payload) => payload.usage === null)).toBe(true)

    // Without include_usage there is no usage chunk and no usage field at all.
    const plainStream = await post(deploymentUrl(), { messages, stream: true })
    const plainPayloads = plainStream.text
      .split('\n\n')
      .filter((event) => event.startsWith('data: {'))
      .map((event) => JSON.parse(event.slice('data: '.length)))
    expect(plainPayloads.some((payload) => 'usage' in payload)).toBe(false)
    expect(plainPayloads.at(-1).choices[0].finish_reason).toBe('stop')
  })

  it('gives the same answer to the same prompt and a different one to another', async () => {
    const client = azure()
    const once = async (content: string) =>
      (await client.chat.completions.create({ model: deployment, messages: ask(content) })).choices[0]
        ?.message.content
    const a = await once('Which exercises suit a patient after ankle sprain?')
    const b = await once('Which exercises suit a patient after ankle sprain?')
    const c = await once('How to document consent for shockwave therapy?')
    expect(a).toBe(b)
    expect(c).not.toBe(a)
  })

  it('answers German questions in German and English ones in English', async () => {
    const client = azure()
    const german = await client.chat.completions.create({
      model: deployment,
      messages: ask('Wie sollte ich die Behandlung von Schulterschmerzen dokumentieren?'),
    })
    const english = await client.chat.completions.create({
      model: deployment,
      messages: ask('How should I document the treatment of shoulder pain?'),
    })
    expect(german.choices[0]?.message.content).toMatch(/Schulterschmerzen/)
    expect(german.choices[0]?.message.content).toMatch(/\b(Sie|Ihnen|und)\b/)
    expect(english.choices[0]?.message.content).toMatch(/\b(you|and|the)\b/)
    expect(english.choices[0]?.message.content).not.toMatch(/\b(Sie|Ihnen|und)\b/)
  })

  it('stops at max_tokens with finish_reason length, streaming or not', async () => {
    const messages = ask('Summarise the treatment plan for tennis elbow.')
    const full = composeAnswer(plain(messages))
    const result = await azure().chat.completions.create({ model: deployment, messages, max_tokens: 12 })
    expect(result.choices[0]?.finish_reason).toBe('length')
    expect(result.usage?.completion_tokens).toBe(12)
    expect(countTokens(result.choices[0]?.message.content ?? '')).toBe(12)
    expect(full.startsWith(result.choices[0]?.message.content ?? '-')).toBe(true)

    const stream = await azure().chat.completions.create({
      model: deployment,
      messages,
      max_completion_tokens: 7,
      stream: true,
      stream_options: { include_usage: true },
    })
    const { text, finishReason, chunks } = await collect(stream)
    expect(finishReason).toBe('length')
    expect(countTokens(text)).toBe(7)
    expect(chunks.at(-1)?.usage?.completion_tokens).toBe(7)
  })

  it('rejects a wrong api key with 401', async () => {
    const error = await azure({ key: 'wrong' })
      .chat.completions.create({ model: deployment, messages: ask('hello') })
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError)
    expect((error as InstanceType<typeof OpenAI.AuthenticationError>).status).toBe(401)
    const raw = await post(deploymentUrl(), { messages: ask('hello') }, { 'api-key': 'wrong' })
    expect(raw.response.status).toBe(401)
    expect(JSON.parse(raw.text).error.code).toBe('401')
    const missing = await fetch(deploymentUrl(), { method: 'POST', body: '{}' })
    expect(missing.status).toBe(401)
  })

  it('serves the v1 URL (model in the body, bearer auth) and 404s unknown routes', async () => {
    const v1 = new OpenAI({ baseURL: `${sim.url}/openai/v1`, apiKey, maxRetries: 0 })
    const messages = ask('Tips for documenting a home exercise programme?')
    const { data, response } = await v1.chat.completions
      .create({ model: 'gpt-4o-mini', messages })
      .withResponse()
    expect(data.choices[0]?.message.content).toBe(composeAnswer(plain(messages)))
    const record = await sim.waitForRequestEnd(response.headers.get('x-sim-request-id') ?? '')
    expect(record.deployment).toBe('gpt-4o-mini')

    const stream = await v1.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    })
    const streamed = await collect(stream)
    expect(streamed.text).toBe(data.choices[0]?.message.content)
    expect(streamed.chunks.at(-1)?.usage?.total_tokens).toBe(data.usage?.total_tokens)

    // Azure answers a deployment URL without api-version with 404 Resource not found, not 400.
    const noVersion = await post(deploymentUrl(null), { messages })
    expect(noVersion.response.status).toBe(404)
    expect(JSON.parse(noVersion.text)).toEqual({ error: { code: '404', message: 'Resource not found' } })
    expect(
      (await post(`${sim.url}/openai/deployments/x/embeddings?api-version=${apiVersion}`, {})).response
        .status,
    ).toBe(404)
    const error = await v1.models.list().catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(OpenAI.NotFoundError)
  })

  it('rejects malformed bodies with Azure-shaped 400s and keeps serving', async () => {
    const cases: Array<[unknown, string | null]> = [
      ['{not json', null],
      [{}, 'messages'],
      [{ messages: [] }, 'messages'],
      [{ messages: 'hi' }, 'messages'],
      [{ messages: [{ role: 'user' }] }, 'messages[0].content'],
      [{ messages: [{ role: 'user', content: 42 }] }, 'messages[0].content'],
      [{ messages: [{ role: 'wizard', content: 'x' }] }, 'messages[0].role'],
      [{ messages: ask('x'), max_tokens: 0 }, 'max_tokens'],
      [{ messages: ask('x'), stream_options: { include_usage: true } }, 'stream_options'],
      [[1, 2, 3], null],
    ]
    for (const [body, param] of cases) {
      const { response, text } = await post(deploymentUrl(), body)
      expect(response.status, JSON.stringify(body)).toBe(400)
      const error = JSON.parse(text).error
      expect(error.type).toBe('invalid_request_error')
      expect(error.param).toBe(param)
    }
    const tooBig = await post(deploymentUrl(), { messages: ask('x'.repeat(3 * 1024 * 1024)) })
    expect(tooBig.response.status).toBe(413)
    // A client that disappears halfway through its request body must not upset the server.
    await new Promise<void>((resolve) => {
      const request = http.request(deploymentUrl(), {
        method: 'POST',
        headers: { 'api-key': apiKey, 'content-length': '1000' },
      })
      request.on('error', () => resolve())
      request.write('{"messages":', () => {
        request.destroy()
        resolve()
      })
    })
    const after = await azure().chat.completions.create({ model: deployment, messages: ask('still there?') })
    expect(after.choices[0]?.finish_reason).toBe('stop')
  })
})

describe('for tests of what reaches the model', () => {
  it('keeps no prompt text unless asked, and records the messages with recordPrompts', async () => {
    const before = sim.requests.length
    await azure().chat.completions.create({ model: deployment, messages: ask('Kept nowhere?') })
    expect(sim.requests[before]!.messages).toBeUndefined()

    const recording = await startAoaiSimulator({
      apiKey,
      tokensPerSecond: 5000,
      firstTokenMs: 5,
      recordPrompts: true,
    })
    try {
      const client = new AzureOpenAI({
        endpoint: recording.url,
        apiKey,
        apiVersion,
        deployment,
        maxRetries: 0,
      })
      await client.chat.completions.create({ model: deployment, messages: ask('Recorded?') })
      expect(recording.requests[0]!.messages).toEqual(plain(ask('Recorded?')))
    } finally {
      await recording.close()
    }
  })

  it('streams token by token with batchSizes [1], and names the placeholders it was given', async () => {
    const single = await startAoaiSimulator({
      apiKey,
      tokensPerSecond: 5000,
      firstTokenMs: 5,
      batchSizes: [1],
    })
    try {
      const client = new AzureOpenAI({ endpoint: single.url, apiKey, apiVersion, deployment, maxRetries: 0 })
      const stream = await client.chat.completions.create({
        model: deployment,
        messages: ask('How can I support [PERSON_1] after the loss of [PERSON_2]?'),
        stream: true,
      })
      const { chunks, text } = await collect(stream)
      const pieces = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta?.content ?? ''))
      expect(pieces.filter((piece) => piece !== '').every((piece) => tokenize(piece).length === 1)).toBe(true)
      expect(text).toContain('**[PERSON_1]**')
      expect(text).toContain('**[PERSON_2]**')
    } finally {
      await single.close()
    }
    await expect(startAoaiSimulator({ batchSizes: [0] })).rejects.toThrow(/batchSizes/)
  })
})

describe('faults', () => {
  it('rate_limit: 429 with Azure body and retry headers, RateLimitError without retries', async () => {
    const error = await azure()
      .chat.completions.create(
        { model: deployment, messages: ask('hello') },
        { headers: { 'x-sim-fault': 'rate_limit' } },
      )
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(OpenAI.RateLimitError)
    const rateLimit = error as InstanceType<typeof OpenAI.RateLimitError>
    expect(rateLimit.status).toBe(429)
    expect(rateLimit.headers?.get('retry-after-ms')).toBe('20')
    expect(rateLimit.headers?.get('retry-after')).toBe('1')
    expect(rateLimit.headers?.get('x-ratelimit-remaining-tokens')).toBe('0')
    expect(rateLimit.headers?.get('apim-request-id')).toBeTruthy()
    expect(rateLimit.headers?.get('x-ms-region')).toBeTruthy()
    expect(rateLimit.code).toBe('429')
    expect(rateLimit.message).toMatch(
      /Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit.*Please retry after 1 second\./,
    )
    const record = sim.requests.at(-1)
    expect(record).toMatchObject({ fault: 'rate_limit', status: 429 })
  })

  it('rate_limit with x-sim-fault-count: the SDK retry succeeds', async () => {
    const before = sim.requests.length
    const result = await azure({ maxRetries: 2 }).chat.completions.create(
      { model: deployment, messages: ask('Retry me please') },
      { headers: { 'x-sim-fault': 'rate_limit', 'x-sim-fault-count': '1', 'x-sim-fault-key': 'retry-test' } },
    )
    expect(result.choices[0]?.finish_reason).toBe('stop')
    expect(sim.requests.slice(before).map((record) => [record.status, record.fault])).toEqual([
      [429, 'rate_limit'],
      [200, null],
    ])
  })

  it('a [[sim:…]] marker injects the fault and never shows up in the answer', async () => {
    const before = sim.requests.length
    const content = 'Plan for plantar fasciitis [[sim:rate_limit:1]] please'
    const result = await azure({ maxRetries: 1 }).chat.completions.create({
      model: deployment,
      messages: ask(content),
    })
    const answer = result.choices[0]?.message.content ?? ''
    expect(answer).toMatch(/plantar/)
    expect(answer).not.toMatch(/sim|\[\[/)
    expect(sim.requests.slice(before).map((record) => record.status)).toEqual([429, 200])
    // Prompt tokens are billed on the prompt as sent, marker included.
    expect(result.usage?.prompt_tokens).toBe(countPromptTokens(plain(ask(content))))
  })

  it('server_error: 500 InternalServerError', async () => {
    const error = await azure()
      .chat.completions.create(
        { model: deployment, messages: ask('hello') },
        { headers: { 'x-sim-fault': 'server_error' } },
      )
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(OpenAI.InternalServerError)
    expect((error as InstanceType<typeof OpenAI.InternalServerError>).status).toBe(500)
  })

  it('prompt_filter: 400 content_filter with the policy violation details', async () => {
    const error = await azure()
      .chat.completions.create(
        { model: deployment, messages: ask('hello'), stream: true },
        { headers: { 'x-sim-fault': 'prompt_filter' } },
      )
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(OpenAI.BadRequestError)
    const filtered = error as InstanceType<typeof OpenAI.BadRequestError>
    expect(filtered.status).toBe(400)
    expect(filtered.code).toBe('content_filter')
    expect(filtered.param).toBe('prompt')
    const body = filtered.error as {
      innererror: { code: string; content_filter_result: Record<string, { filtered: boolean }> }
    }
    expect(body.innererror.code).toBe('ResponsibleAIPolicyViolation')
    const flagged = Object.entries(body.innererror.content_filter_result).filter(
      ([, result]) => result.filtered,
    )
    expect(flagged.map(([category]) => category)).toEqual(['violence'])
  })

  it('filter_mid: part of the answer, then finish_reason content_filter, usage and [DONE]', async () => {
    const messages = ask('Describe the rehabilitation timeline after ACL reconstruction.')
    const { data: stream, response } = await azure()
      .chat.completions.create(
        { model: deployment, messages, stream: true, stream_options: { include_usage: true } },
        { headers: { 'x-sim-fault': 'filter_mid' } },
      )
      .withResponse()
    const { text, finishReason, chunks, error } = await collect(stream)
    expect(error).toBeNull()
    expect(finishReason).toBe('content_filter')
    const full = composeAnswer(plain(messages))
    expect(text.length).toBeGreaterThan(0)
    expect(text.length).toBeLessThan(full.length)
    expect(full.startsWith(text)).toBe(true)
    const finish = chunks.at(-2)?.choices[0] as unknown as {
      content_filter_results: Record<string, { filtered: boolean }>
    }
    expect(finish.content_filter_results.violence?.filtered).toBe(true)
    expect(chunks.at(-1)?.usage?.completion_tokens).toBe(countTokens(text))
    const record = await sim.waitForRequestEnd(response.headers.get('x-sim-request-id') ?? '')
    expect(record).toMatchObject({ fault: 'filter_mid', finished: true, clientClosedEarly: false })
  })

  it('cut: the socket drops mid-stream; the SDK throws "terminated" without any finish_reason', async () => {
    const { data: stream, response } = await azure()
      .chat.completions.create(
        {
          model: deployment,
          messages: ask('Explain shoulder impingement management.'),
          stream: true,
          stream_options: { include_usage: true },
        },
        { headers: { 'x-sim-fault': 'cut' } },
      )
      .withResponse()
    const { text, finishReason, chunks, error } = await collect(stream)
    expect(text.length).toBeGreaterThan(0)
    expect(finishReason).toBeNull()
    expect(chunks.some((chunk) => chunk.usage)).toBe(false)
    // undici reports a chunked body that stops short as `TypeError: terminated` (cause: "other side
    // closed"), and the SDK passes it on: only an abort or a clean end finishes silently.
    expect(error).toBeInstanceOf(TypeError)
    expect((error as Error).message).toBe('terminated')
    const record = await sim.waitForRequestEnd(response.headers.get('x-sim-request-id') ?? '')
    expect(record).toMatchObject({ fault: 'cut', status: 200, finished: false, clientClosedEarly: false })
  })

  it('end_early: the response ends cleanly mid-answer; the SDK iteration ends silently', async () => {
    const { data: stream, response } = await azure()
      .chat.completions.create(
        { model: deployment, messages: ask('Explain tendinopathy loading.'), stream: true },
        { headers: { 'x-sim-fault': 'end_early' } },
      )
      .withResponse()
    const { text, finishReason, error } = await collect(stream)
    expect(error).toBeNull()
    expect(text.length).toBeGreaterThan(0)
    expect(finishReason).toBeNull()
    const record = await sim.waitForRequestEnd(response.headers.get('x-sim-request-id') ?? '')
    expect(record).toMatchObject({ fault: 'end_early', finished: false, clientClosedEarly: false })
  })

  it('stall: aborting the request is seen as the client closing early', async () => {
    const controller = new AbortController()
    const { data: stream, response } = await azure()
      .chat.completions.create(
        { model: deployment, messages: ask('hello'), stream: true },
        { headers: { 'x-sim-fault': 'stall' }, signal: controller.signal },
      )
      .withResponse()
    const id = response.headers.get('x-sim-request-id') ?? ''
    const iterator = stream[Symbol.asyncIterator]()
    expect((await iterator.next()).value?.choices).toEqual([]) // prompt filter
    expect((await iterator.next()).value?.choices[0]?.delta.role).toBe('assistant')
    expect((await iterator.next()).value?.choices[0]?.delta.content).toBeTruthy()
    const next = iterator.next()
    const stalled = await Promise.race([next.then(() => 'moved'), delay(150).then(() => 'stalled')])
    expect(stalled).toBe('stalled')
    expect(sim.requests.find((record) => record.id === id)?.clientClosedEarly).toBe(false)

    controller.abort()
    // The SDK treats its own abort as the end of the stream, not as an error.
    expect(await next).toEqual({ value: undefined, done: true })
    const record = await sim.waitForRequestEnd(id)
    expect(record).toMatchObject({ fault: 'stall', clientClosedEarly: true, finished: false })
  })

  it('a client that stops reading mid-stream is seen as closing early', async () => {
    const { data: stream, response } = await azure()
      .chat.completions.create(
        { model: deployment, messages: ask('Long answer about gait analysis please'), stream: true },
        { headers: { 'x-sim-tokens-per-second': '20' } },
      )
      .withResponse()
    let received = ''
    for await (const chunk of stream) {
      received += chunk.choices[0]?.delta?.content ?? ''
      if (received) break // leaving the loop makes the SDK abort the request
    }
    const record = await sim.waitForRequestEnd(response.headers.get('x-sim-request-id') ?? '')
    expect(record).toMatchObject({ fault: null, status: 200, clientClosedEarly: true, finished: false })
  })

  it('close() ends stalled streams', async () => {
    const local = await startAoaiSimulator({ apiKey, tokensPerSecond: 5000, firstTokenMs: 1 })
    const client = new AzureOpenAI({ endpoint: local.url, apiKey, apiVersion, deployment, maxRetries: 0 })
    const stream = await client.chat.completions.create(
      { model: deployment, messages: ask('hello'), stream: true },
      { headers: { 'x-sim-fault': 'stall' } },
    )
    const consumed = collect(stream)
    const id = local.requests[0]?.id ?? ''
    await delay(30)
    await local.close()
    const record = await local.waitForRequestEnd(id)
    expect(record).toMatchObject({ fault: 'stall', finished: false, clientClosedEarly: false })
    const { finishReason, error } = await consumed
    expect(finishReason).toBeNull()
    expect(error).toBeInstanceOf(TypeError)
  })

  it('faultRate 1 with faultKinds [server_error] fails every request unless told otherwise', async () => {
    const flaky = await startAoaiSimulator({
      apiKey,
      tokensPerSecond: 5000,
      firstTokenMs: 1,
      faultRate: 1,
      faultKinds: ['server_error'],
    })
    try {
      const client = new AzureOpenAI({ endpoint: flaky.url, apiKey, apiVersion, deployment, maxRetries: 0 })
      for (let attempt = 0; attempt < 3; attempt++) {
        const error = await client.chat.completions
          .create({ model: deployment, messages: ask(`attempt ${attempt}`) })
          .catch((caught: unknown) => caught)
        expect(error).toBeInstanceOf(OpenAI.InternalServerError)
      }
      expect(flaky.requests.map((record) => [record.status, record.fault])).toEqual([
        [500, 'server_error'],
        [500, 'server_error'],
        [500, 'server_error'],
      ])
      const spared = await client.chat.completions.create(
        { model: deployment, messages: ask('spare me') },
        { headers: { 'x-sim-fault': 'none' } },
      )
      expect(spared.choices[0]?.finish_reason).toBe('stop')
    } finally {
      await flaky.close()
    }
  })

  it('an unknown x-sim-fault is refused rather than ignored', async () => {
    const { response, text } = await post(
      deploymentUrl(),
      { messages: ask('hi') },
      { 'x-sim-fault': 'meteor' },
    )
    expect(response.status).toBe(400)
    expect(JSON.parse(text).error.message).toMatch(/Unknown x-sim-fault 'meteor'/)
  })
})

function delay(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
