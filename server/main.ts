// Production entry (`npm start`) and the app half of the dev launcher:
// validate the environment, connect, and serve the Remix build.
//
// `npm run build` bundles this file with the Remix build into build/server.js (the
// static import('#build/index.js') below lets esbuild follow it), so in production the
// routes and the server share one copy of every module and no TypeScript is left.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ServerBuild } from '@remix-run/node'
import { connectDatabase } from '#db/client.ts'
import { ConfigError, loadConfig, type Config } from './config/env.ts'
import { createApp, listen, type RunningServer } from './http/server.ts'
import { createLogger, type Logger } from './logger.ts'
import { startJobRunner } from './jobs/runner.ts'
import { createServices, type Services } from './services.ts'
import { startTelemetry } from './telemetry/index.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

export interface StartedApp extends RunningServer {
  services: Services
}

export async function startApp(
  config: Config,
  options: { port?: number; logger?: Logger } = {},
): Promise<StartedApp> {
  startTelemetry(config)
  const logger = options.logger ?? createLogger(config.logLevel)
  const db = connectDatabase(config.database.url, { max: config.database.poolMax })
  const services: Services = createServices(config, db, logger)
  // Background work (exports, erasure, retention, the stale-stream sweep) runs in this process.
  const jobs = await startJobRunner(services)
  const build = (await import('#build/index.js')) as ServerBuild
  const app = createApp({ services, build, publicDir: path.join(root, 'public') })
  const running = await listen(app, options.port ?? config.port, config.host)
  logger.info({ url: running.url }, 'clinai listening')
  return {
    ...running,
    services,
    async close() {
      await running.close()
      await jobs.stop()
      await db.close()
    },
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let config: Config
  try {
    config = loadConfig()
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`ClinAI cannot start. ${error.message}`)
      process.exit(1)
    }
    throw error
  }
  const app = await startApp(config)
  const stop = () => {
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
}
