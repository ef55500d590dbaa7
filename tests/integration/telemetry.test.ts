// Telemetry as production sends it: the built server started as `npm start` starts it
// (`node --import ./build/telemetry/instrument.js build/server.js`, so ESM instrumentation
// loads before the modules it instruments), with APPLICATIONINSIGHTS_CONNECTION_STRING
// pointing at a local HTTPS server speaking the ingestion protocol. A chat, a search, a
// rename and a folder carry a sentinel word: requests (by route template), dependencies
// (the model, Blob, PostgreSQL), the chat span and the token metric arrive, every failed
// request of a burst is exported, the shutdown flushes, and the sentinel never leaves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startAoaiSimulator, type AoaiSimulator } from '#infra/local/aoai-simulator/server.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { seedTwoClinics, type TwoClinics } from '#tests/support/fixtures.ts'
import { productionEnv, startBuiltServer, type BuiltServer } from '#tests/support/built-server.ts'
import { startIngestionServer, type Envelope, type IngestionServer } from '#tests/support/ingestion-server.ts'
import { storageEnv } from '#tests/support/storage.ts'

const SENTINEL = 'Zebrafinkenkummer'

let testDb: TestDatabase
let fixture: TwoClinics
let simulator: AoaiSimulator
let ingestion: IngestionServer
let server: BuiltServer
let baseUrl: string
const failedRequestIds: string[] = []
const succeededRequestIds: string[] = []

beforeAll(async () => {
  testDb = await createTestDatabase()
  fixture = await seedTwoClinics(testDb.ownerUrl)
  simulator = await startAoaiSimulator({ apiKey: 'test-key', tokensPerSecond: 400, firstTokenMs: 10 })
  ingestion = await startIngestionServer()
  server = await startBuiltServer({
    ...productionEnv(testDb.appUrl, simulator.url),
    ...storageEnv(testDb),
    APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=00000000-0000-4000-8000-000000000001;IngestionEndpoint=${ingestion.url}`,
    NODE_EXTRA_CA_CERTS: ingestion.caFile,
    // The SDK's reports about itself would go to Microsoft's endpoints; there is no network here.
    APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
    APPLICATIONINSIGHTS_STATSBEAT_DISABLED: 'true',
    APPLICATIONINSIGHTS_SDKSTATS_DISABLED: 'true',
  })
  baseUrl = server.url
}, 120_000)

afterAll(async () => {
  if (server?.process.exitCode === null) server.process.kill('SIGKILL')
  await simulator?.close()
  await ingestion?.close()
  await testDb?.drop()
})

const baseDataOf = (envelope: Envelope) => (envelope.data?.baseData ?? {}) as Record<string, unknown>
const propertiesOf = (envelope: Envelope) => (baseDataOf(envelope).properties ?? {}) as Record<string, string>
const ofType = (type: string) => ingestion.envelopes.filter((envelope) => envelope.data?.baseType === type)

describe('telemetry through the Azure Monitor exporter', () => {
  it('drives a chat, a search, a rename and a folder with a sentinel, then a burst with failures', async () => {
    const cookie = await server.cookieFor(fixture.a1)
    const headers = { cookie, origin: baseUrl }
    const trpcGet = (procedure: string, input: unknown) =>
      fetch(`${baseUrl}/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`, {
        headers,
      })
    const trpcPost = (procedure: string, input: unknown) =>
      fetch(`${baseUrl}/api/trpc/${procedure}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(input),
      })

    const created = (await (await trpcPost('conversations.create', {})).json()) as {
      result: { data: { id: string } }
    }
    const conversationId = created.result.data.id
    // The first question names the conversation: the title holds the sentinel too.
    const chat = await fetch(`${baseUrl}/api/chat/${conversationId}`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ content: `${SENTINEL}: wie spreche ich das an?` }),
    })
    expect(chat.status).toBe(200)
    expect(await chat.text()).toMatch(/event: done/)
    expect((await trpcGet('conversations.search', { query: SENTINEL })).status).toBe(200)
    expect(
      (await trpcPost('conversations.rename', { conversationId, title: `${SENTINEL} umbenannt` })).status,
    ).toBe(200)
    expect((await trpcPost('folders.create', { name: `${SENTINEL} Ordner` })).status).toBe(200)
    expect((await fetch(`${baseUrl}/app/search?q=${SENTINEL}`, { headers })).status).toBe(200)
    expect((await fetch(`${baseUrl}/app/c/${conversationId}`, { headers })).status).toBe(200)

    // A burst: 60 quick requests, a few of which fail. Sampling must keep every failure.
    const burst = Array.from({ length: 60 }, (_, n) => {
      const requestId = `burst-${String(n).padStart(4, '0')}-${Date.now()}`
      const failing = n % 15 === 7
      const url = failing
        ? `${baseUrl}/api/trpc/conversations.get?input=${encodeURIComponent(JSON.stringify({ conversationId: '00000000-0000-4000-8000-000000000000' }))}`
        : `${baseUrl}/health`
      return fetch(url, { headers: { ...headers, 'x-request-id': requestId } }).then((response) => {
        ;(response.status >= 400 ? failedRequestIds : succeededRequestIds).push(requestId)
        return response.status
      })
    })
    const statuses = await Promise.all(burst)
    expect(statuses.filter((status) => status === 404)).toHaveLength(4)
    expect(failedRequestIds).toHaveLength(4)

    // SIGTERM, as App Service stops an instance: the shutdown flushes what is buffered.
    server.process.kill('SIGTERM')
    expect(await server.exited, server.output()).toBe(0)
  }, 120_000)

  it('exported requests by route template, without query strings', () => {
    const requests = ofType('RequestData')
    const names = new Set(requests.map((request) => String(baseDataOf(request).name)))
    expect(names).toContain('POST /api/chat/:conversationId')
    expect(names).toContain('GET /api/trpc/conversations.search')
    expect(names).toContain('POST /api/trpc/conversations.rename')
    expect(names).toContain('GET /app/search')
    expect(names).toContain('GET /app/c/:conversationId')
    expect(names).toContain('GET /ready')
    for (const request of requests) {
      const data = baseDataOf(request)
      expect(String(data.url ?? '')).not.toContain('?')
      expect(String(data.name)).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/)
      expect(request.tags?.['ai.operation.name'] ?? '').not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/)
    }
  })

  it('exported every failed request of the burst', () => {
    const byRequestId = new Map(
      ofType('RequestData').map((request) => [
        propertiesOf(request)['clinai.request_id'],
        baseDataOf(request),
      ]),
    )
    for (const requestId of failedRequestIds) {
      const request = byRequestId.get(requestId)
      expect(request, requestId).toBeDefined()
      expect(request!.success).toBe(false)
      expect(String(request!.responseCode)).toBe('404')
    }
    // With no sampling, the successful ones of the burst are there too.
    for (const requestId of succeededRequestIds) expect(byRequestId.has(requestId), requestId).toBe(true)
  })

  it('exported the model, Blob and PostgreSQL as dependencies, and the chat span', () => {
    const dependencies = ofType('RemoteDependencyData').map(baseDataOf)
    const types = new Set(dependencies.map((dependency) => String(dependency.type)))
    expect(types).toContain('postgresql')
    const simulatorHost = new URL(simulator.url).host
    const model = dependencies.find(
      (dependency) =>
        String(dependency.type) === 'Http' && String(dependency.data ?? '').includes(simulatorHost),
    )
    expect(model, JSON.stringify([...types])).toBeDefined()
    expect(String(model!.data ?? '')).toContain('/chat/completions')
    const azuriteHost = new URL(
      /BlobEndpoint=([^;]+)/.exec(storageEnv(testDb).AZURE_STORAGE_CONNECTION_STRING!)![1]!,
    ).host
    expect(dependencies.some((dependency) => String(dependency.target ?? '').includes(azuriteHost))).toBe(
      true,
    )
    for (const dependency of dependencies) expect(String(dependency.data ?? '')).not.toMatch(/\bselect\b|\?/i)

    const span = dependencies.find((dependency) => dependency.name === 'chat.completion')
    expect(span).toBeDefined()
    const properties = (span!.properties ?? {}) as Record<string, string>
    expect(properties['gen_ai.request.model']).toBe('gpt-4o-mini')
    expect(Number(properties['gen_ai.usage.output_tokens'])).toBeGreaterThan(0)
    expect(properties['clinai.chat.status']).toBe('complete')
  })

  it('exported the token metric by clinic and model, and the outcome metric', () => {
    const metrics = ofType('MetricData').flatMap((envelope) =>
      ((baseDataOf(envelope).metrics ?? []) as Array<{ name: string; value: number }>).map((metric) => ({
        ...metric,
        properties: propertiesOf(envelope),
      })),
    )
    const tokens = metrics.filter((metric) => metric.name === 'clinai.tokens')
    expect(tokens.length).toBeGreaterThan(0)
    expect(tokens.every((metric) => metric.properties['clinai.tenant_id'] === fixture.a1.tenantId)).toBe(true)
    expect(tokens.map((metric) => metric.properties['gen_ai.token.type']).sort()).toEqual(['input', 'output'])
    expect(tokens.every((metric) => metric.properties['gen_ai.request.model'] === 'gpt-4o-mini')).toBe(true)
    expect(metrics.some((metric) => metric.name === 'clinai.time_to_first_token')).toBe(true)
    const outcomes = metrics.filter((metric) => metric.name === 'clinai.chat.outcomes')
    expect(outcomes.some((metric) => metric.properties['clinai.outcome'] === 'complete')).toBe(true)
  })

  it('never sent the sentinel, a query string or SQL text', () => {
    expect(ingestion.requests.length).toBeGreaterThan(0)
    for (const request of ingestion.requests) {
      expect(request.body).not.toContain(SENTINEL)
      expect(request.body.toLowerCase()).not.toContain(SENTINEL.toLowerCase())
      expect(request.body).not.toContain('input=')
      expect(request.body).not.toMatch(/\bset_config\b|\binsert into\b/i)
    }
  })
})
