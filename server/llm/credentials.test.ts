// Which credential the model client sends: the configured key, or an Entra ID token
// from @azure/identity when the Azure endpoint comes without one. Checked against a
// local stand-in that records the headers, never against Azure.
import type { TokenCredential } from '@azure/identity'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { loadConfig } from '#server/config/env.ts'
import { startRecordingServer, type RecordingServer } from '#tests/support/recording-server.ts'
import { AZURE_OPENAI_SCOPE, createLlm, type LlmEvent, type LlmOptions } from './client.ts'

const sse = (chunks: unknown[]) =>
  chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`).join('') + 'data: [DONE]\n\n'
const chunk = (delta: object, finish: string | null = null) => ({
  id: 'c1',
  object: 'chat.completion.chunk',
  created: 0,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, delta, finish_reason: finish }],
})

let aoai: RecordingServer
let identity: RecordingServer

beforeAll(async () => {
  aoai = await startRecordingServer((_request, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' })
    res.end(sse([chunk({ role: 'assistant', content: 'Hallo' }), chunk({}, 'stop')]))
  })
  // App Service's managed identity endpoint (IDENTITY_ENDPOINT), as the platform runs it.
  identity = await startRecordingServer((request, res) => {
    if (request.headers['x-identity-header'] !== 'identity-header-secret') {
      res.writeHead(401).end()
      return
    }
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(
      JSON.stringify({
        access_token: 'token-from-managed-identity',
        expires_on: String(Math.floor(Date.now() / 1000) + 3600),
        resource: 'https://cognitiveservices.azure.com',
        token_type: 'Bearer',
      }),
    )
  })
})

afterAll(async () => {
  await aoai?.close()
  await identity?.close()
})

afterEach(() => {
  aoai.requests.length = 0
  vi.unstubAllEnvs()
})

/** One short answer through the production config path; returns the request's headers. */
async function ask(env: Record<string, string>, options?: LlmOptions) {
  const config = loadConfig({
    NODE_ENV: 'test',
    AZURE_OPENAI_ENDPOINT: aoai.url,
    LLM_MAX_RETRIES: '0',
    ...env,
  })
  const llm = createLlm(config.llm, options)
  const events: LlmEvent[] = []
  for await (const event of llm.stream({
    deployment: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Hallo?' }],
    signal: new AbortController().signal,
  })) {
    events.push(event)
  }
  expect(events).toContainEqual({ type: 'delta', text: 'Hallo' })
  expect(aoai.requests).toHaveLength(1)
  expect(aoai.requests[0]!.url).toMatch(
    /^\/openai\/deployments\/gpt-4o-mini\/chat\/completions\?api-version=/,
  )
  return aoai.requests[0]!.headers
}

describe('the Azure OpenAI credential', () => {
  it('sends the key as api-key when one is configured, and no token', async () => {
    const credential = { getToken: vi.fn() } satisfies TokenCredential
    const headers = await ask({ AZURE_OPENAI_API_KEY: 'configured-key' }, { credential })
    expect(headers['api-key']).toBe('configured-key')
    expect(headers.authorization).toBeUndefined()
    expect(credential.getToken).not.toHaveBeenCalled()
  })

  it('asks the given credential for a Cognitive Services token when no key is configured', async () => {
    const credential = {
      getToken: vi.fn(async () => ({
        token: 'token-from-credential',
        expiresOnTimestamp: Date.now() + 3_600_000,
      })),
    } satisfies TokenCredential
    const headers = await ask({}, { credential })
    expect(headers.authorization).toBe('Bearer token-from-credential')
    expect(headers['api-key']).toBeUndefined()
    expect(credential.getToken).toHaveBeenCalledWith([AZURE_OPENAI_SCOPE], expect.anything())
  })

  it("uses DefaultAzureCredential by default: App Service's managed identity", async () => {
    vi.stubEnv('IDENTITY_ENDPOINT', `${identity.url}/msi/token`)
    vi.stubEnv('IDENTITY_HEADER', 'identity-header-secret')
    const headers = await ask({})
    expect(headers.authorization).toBe('Bearer token-from-managed-identity')
    expect(headers['api-key']).toBeUndefined()
    const tokenRequest = identity.requests.at(-1)!
    expect(tokenRequest.url).toMatch(/^\/msi\/token\?/)
    expect(new URL(tokenRequest.url, identity.url).searchParams.get('resource')).toBe(
      'https://cognitiveservices.azure.com',
    )
  })
})
