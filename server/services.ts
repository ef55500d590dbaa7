// What a request handler may use, built once at start by server/main.ts and
// handed to Remix loaders and actions as their load context.
import type { Database } from '#db/client.ts'
import { createAuth, type AuthServices } from './auth/index.ts'
import { createChatRateLimiter, type ChatRateLimiter } from './chat/rate-limit.ts'
import type { Config } from './config/env.ts'
import { createLlm, type Llm } from './llm/client.ts'
import type { Logger } from './logger.ts'

export interface Services {
  config: Config
  db: Database
  logger: Logger
  auth: AuthServices
  llm: Llm
  chatRateLimiter: ChatRateLimiter
}

export function createServices(config: Config, db: Database, logger: Logger): Services {
  return {
    config,
    db,
    logger,
    auth: createAuth(config),
    llm: createLlm(config.llm),
    chatRateLimiter: createChatRateLimiter(config.chat.rateLimitPerMinute),
  }
}
