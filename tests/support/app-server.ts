// Starts the real HTTP server (Remix build + services) against a test database.
import { loadConfig } from '#server/config/env.ts'
import type { Logger } from '#server/logger.ts'
import { startApp, type StartedApp } from '#server/main.ts'

export async function startTestApp(
  env: Record<string, string>,
  options: { logger?: Logger } = {},
): Promise<StartedApp> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', HOST: '127.0.0.1', ...env })
  return startApp(config, { port: 0, logger: options.logger })
}
