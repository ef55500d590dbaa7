// The typed API for scripts: a tRPC client for /api/trpc and a streaming chat
// client for /api/chat, both authenticating with a personal access token. Only
// types are imported from the server, so a script pulls in @trpc/client and
// nothing of the server.
//
//   const clinai = createClinaiClient({ baseUrl: 'http://localhost:3000', token: process.env.CLINAI_TOKEN })
//   const { items } = await clinai.conversations.list.query({ limit: 10 })
//   for await (const event of streamChat({ baseUrl, token, conversationId, content: 'Hello' })) …
import {
  createTRPCClient,
  httpBatchLink,
  isTRPCClientError,
  TRPCClientError,
  type TRPCClient,
} from '@trpc/client'
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server'
import type { AppRouter } from '#server/trpc/root.ts'
import { ClinaiClientError, requireFetch, requireToken, trpcEndpoint } from './connection.ts'

export type { AppRouter }
export { TRPCClientError }
export { ClinaiClientError, requireToken, trpcEndpoint } from './connection.ts'
export {
  ChatRefusedError,
  ChatStreamError,
  streamChat,
  type ChatDeltaEvent,
  type ChatDoneEvent,
  type ChatErrorCode,
  type ChatErrorEvent,
  type ChatEvent,
  type ChatRefusalCode,
  type ChatStartEvent,
  type ChatUsage,
  type StreamChatOptions,
} from './chat.ts'

/** What each procedure takes, e.g. `RouterInputs['conversations']['list']`. */
export type RouterInputs = inferRouterInputs<AppRouter>
/** What each procedure answers, e.g. `RouterOutputs['messages']['list']['items'][number]`. */
export type RouterOutputs = inferRouterOutputs<AppRouter>

export type ClinaiClient = TRPCClient<AppRouter>

export interface ClinaiClientOptions {
  /** Where ClinAI runs, e.g. `https://clinai.example.org` or `http://localhost:3000`. */
  baseUrl: string
  /** A personal access token, `clinai_pat_…`. */
  token: string
  /** A fetch to use instead of the global one (a proxy agent, a test's recorder). */
  fetch?: typeof globalThis.fetch
}

export function createClinaiClient(options: ClinaiClientOptions): ClinaiClient {
  if (typeof options !== 'object' || options === null) {
    throw new ClinaiClientError('baseUrl', 'createClinaiClient needs { baseUrl, token }.')
  }
  const url = trpcEndpoint(options.baseUrl)
  const token = requireToken(options.token)
  const fetch = requireFetch(options.fetch)
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url,
        headers: () => ({ authorization: `Bearer ${token}` }),
        fetch,
        // Batched queries travel in the URL; longer batches are split rather than refused.
        maxURLLength: 4000,
        // The server refuses batches of more than 25 calls (MAX_BATCH_CALLS); more are sent as several.
        maxItems: 25,
      }),
    ],
  })
}

/** The tRPC error code of a failed call (`UNAUTHORIZED`, `NOT_FOUND`, …), or null for other errors. */
export function errorCode(error: unknown): string | null {
  if (!isTRPCClientError<AppRouter>(error)) return null
  return error.data?.code ?? null
}
