// What a request handler may use, built once at start by server/main.ts and
// handed to Remix loaders and actions as their load context.
import type { Database } from '#db/client.ts'
import type { AuthServices } from './auth/index.ts'
import type { Config } from './config/env.ts'
import type { Logger } from './logger.ts'

export interface Services {
  config: Config
  db: Database
  logger: Logger
  auth: AuthServices
}
