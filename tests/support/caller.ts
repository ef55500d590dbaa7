// Calls procedures through the real router, as a loader's server-side caller
// does, for a fixture person. Also answers over in-process HTTP (the fetch
// adapter) where a test is about the wire: status codes and field errors.
import { randomUUID } from 'node:crypto'
import postgres from 'postgres'
import { afterAll, beforeAll } from 'vitest'
import { TRPCError } from '@trpc/server'
import { fetchRequestHandler } from '@trpc/server/adapters/fetch'
import { connectDatabase } from '#db/client.ts'
import type { Identity } from '#server/auth/identity.ts'
import { loadConfig } from '#server/config/env.ts'
import { createLogger } from '#server/logger.ts'
import { createAppContext, type AppContext } from '#server/app-context.ts'
import { createContext } from '#server/trpc/context.ts'
import { appRouter, createCaller } from '#server/trpc/root.ts'
import { createTestDatabase, type TestDatabase } from './database.ts'
import { seedTwoClinics, type FixtureUser, type TwoClinics } from './fixtures.ts'

export type Caller = ReturnType<typeof createCaller>

/** A fixture person as a script's token would authenticate them. */
export function fixtureIdentity(user: FixtureUser): Identity {
  return { tenantId: user.tenantId, userId: user.userId, role: user.role, via: 'token', credentialId: 'test' }
}

/** The router's caller for a person, against a running app's services (tests that also stream over HTTP). */
export function callerFor(services: AppContext, user: FixtureUser, requestId: string = randomUUID()): Caller {
  return createCaller(createContext({ services, requestId, identity: fixtureIdentity(user) }))
}

export interface TestApi {
  services: AppContext
  /** The caller for a person, each call under a fresh request id. */
  as(user: FixtureUser): Caller
  identity(user: FixtureUser): Identity
  /** The request id of the most recent caller made by `as` (for audit assertions). */
  lastRequestId: string
  /** A query or mutation over HTTP as a script would send it, without starting a server. */
  http(
    user: FixtureUser | null,
    kind: 'query' | 'mutation',
    path: string,
    input?: unknown,
  ): Promise<{ status: number; body: HttpBody }>
  close(): Promise<void>
}

export interface HttpBody {
  result?: { data: unknown }
  error?: {
    message: string
    data: {
      code: string
      httpStatus: number
      fieldErrors?: Record<string, string[]>
      stack?: string
    }
  }
}

export function testApi(testDb: TestDatabase, env: Record<string, string> = {}): TestApi {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: testDb.appUrl,
    // The deployments a clinic may choose from, as an operator would list them.
    AZURE_OPENAI_DEPLOYMENTS: 'gpt-4o-mini,gpt-4o',
    ...env,
  })
  const services: AppContext = createAppContext(
    config,
    connectDatabase(testDb.appUrl, { max: 4 }),
    createLogger('silent'),
  )
  const identity = fixtureIdentity
  const api: TestApi = {
    services,
    identity,
    lastRequestId: '',
    as(user) {
      api.lastRequestId = randomUUID()
      return callerFor(services, user, api.lastRequestId)
    },
    async http(user, kind, path, input) {
      const url = new URL(`http://clinai.test/api/trpc/${path}`)
      if (kind === 'query' && input !== undefined) url.searchParams.set('input', JSON.stringify(input))
      const request = new Request(url, {
        method: kind === 'query' ? 'GET' : 'POST',
        headers: { 'content-type': 'application/json' },
        body: kind === 'mutation' ? JSON.stringify(input ?? null) : undefined,
      })
      const response = await fetchRequestHandler({
        endpoint: '/api/trpc',
        req: request,
        router: appRouter,
        createContext: () =>
          createContext({ services, requestId: randomUUID(), identity: user ? identity(user) : null }),
      })
      return { status: response.status, body: (await response.json()) as HttpBody }
    },
    close: () => services.db.close(),
  }
  return api
}

/** The TRPCError a call failed with; fails the test if it succeeded or threw something else. */
export async function rejectionOf(call: Promise<unknown>): Promise<TRPCError> {
  try {
    await call
  } catch (error) {
    if (error instanceof TRPCError) return error
    throw new Error(`expected a TRPCError, got: ${String(error)}`, { cause: error })
  }
  throw new Error('expected the call to fail, but it succeeded')
}

export interface ApiTestBed {
  testDb: TestDatabase
  api: TestApi
  fixture: TwoClinics
  /** The owner connection (bypasses RLS), for arranging rows and checking what changed. */
  owner: postgres.Sql
}

/**
 * A test file's own database with the two-clinic fixture, a caller and an owner
 * connection; ready in beforeAll, closed and dropped in afterAll.
 */
export function useApiTestBed(env: Record<string, string> = {}): ApiTestBed {
  const bed = {} as ApiTestBed
  beforeAll(async () => {
    bed.testDb = await createTestDatabase()
    bed.fixture = await seedTwoClinics(bed.testDb.ownerUrl)
    bed.api = testApi(bed.testDb, env)
    bed.owner = postgres(bed.testDb.ownerUrl, { max: 1, onnotice: () => {} })
  })
  afterAll(async () => {
    await bed.api?.close()
    await bed.owner?.end()
    await bed.testDb?.drop()
  })
  return bed
}
