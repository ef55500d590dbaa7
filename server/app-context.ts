// What a request handler may use, built once at start by server/main.ts and
// handed to Remix loaders and actions as their load context.
import type { Database } from '#db/client.ts'
import { CredentialOwners } from './auth/authenticate.ts'
import { createAuth, type AuthServices } from './auth/index.ts'
import type { Config } from './config/env.ts'
import { createLlm, type Llm } from './llm/client.ts'
import {
  createChatRateLimiter,
  createRateLimiter,
  type ChatRateLimiter,
  type RateLimiter,
} from './limits/rate-limit.ts'
import { createJobQueue, type JobQueue } from './jobs/queue.ts'
import type { Logger } from './logger.ts'
import { createBlobStorage, type BlobStorage } from './storage/blob.ts'
import { LiveGenerations, PROGRESS_EVERY_MS, STREAM_HEARTBEAT_MS } from './services/generation/generation.ts'
import { ProgressWriter } from './services/generation/progress-writer.ts'
import { createReadiness, type Readiness } from './health/readiness.ts'
import { MappingSealer } from './services/pseudonymise/crypto.ts'

export interface AppContext {
  config: Config
  db: Database
  logger: Logger
  auth: AuthServices
  /** Whose session or token a credential is, as last checked here: which rate limit to take first. */
  credentialOwners: CredentialOwners
  llm: Llm
  chatRateLimiter: ChatRateLimiter
  /** The typed API's limits: per person (all credentials) and per personal access token. */
  apiRateLimiters: { person: RateLimiter; token: RateLimiter }
  /** Durable jobs, enqueued inside the caller's transaction. */
  jobs: JobQueue
  /** The Blob container for exports; undefined when no account is configured. */
  storage: BlobStorage | undefined
  /** The model generations this process is running (a shutdown lets them finish or stops them). */
  generations: LiveGenerations
  /** Saves every running generation's text so far, batched per person (progress-writer.ts). */
  progress: ProgressWriter
  /** `GET /ready`: the database, the job queue and Blob, each by name. */
  readiness: Readiness
  /** Seals and opens the pseudonym mappings (AES-256-GCM, PSEUDONYM_KEY). */
  pseudonymSealer: MappingSealer
}

export function createAppContext(config: Config, db: Database, logger: Logger): AppContext {
  const storage = createBlobStorage(config.storage)
  return {
    config,
    db,
    logger,
    auth: createAuth(config),
    credentialOwners: new CredentialOwners(),
    llm: createLlm(config.llm),
    chatRateLimiter: createChatRateLimiter(config.chat.rateLimitPerMinute, db),
    generations: new LiveGenerations(),
    progress: new ProgressWriter(db, {
      everyMs: PROGRESS_EVERY_MS,
      heartbeatMs: STREAM_HEARTBEAT_MS,
      logger,
    }),
    pseudonymSealer: new MappingSealer(config.pseudonymKeys),
    apiRateLimiters: {
      person: createRateLimiter({ prefix: 'api', perMinute: config.api.rateLimitPerMinute, db }),
      token: createRateLimiter({ prefix: 'api-token', perMinute: config.api.tokenRateLimitPerMinute, db }),
    },
    jobs: createJobQueue(db),
    storage,
    readiness: createReadiness(db, storage),
  }
}
