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
import { createAppContext, type AppContext } from './app-context.ts'
import { flushTelemetry, startTelemetry, telemetryStarted } from './telemetry/index.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

export interface StartedApp extends RunningServer {
  services: AppContext
  /**
   * Stops as a deploy needs it: new requests are refused (503, `Connection: close`),
   * live answers get `graceMs` to finish, the rest are stopped with their text saved and
   * their clients told, then jobs are handed back, telemetry is flushed and the pool closed.
   */
  shutdown(options?: { graceMs?: number }): Promise<{ finished: number; stopped: number }>
}

export async function startApp(
  config: Config,
  options: { port?: number; logger?: Logger } = {},
): Promise<StartedApp> {
  const logger = options.logger ?? createLogger(config.logLevel)
  if (config.telemetry.connectionString && !telemetryStarted()) {
    // Started this late, ESM modules already imported (express, http, the Azure SDK) stay
    // uninstrumented: production starts it first, with `node --import ./build/telemetry/instrument.js`.
    logger.warn('telemetry started after the server modules were loaded; use npm start')
  }
  startTelemetry(config.telemetry.connectionString)
  const db = connectDatabase(config.database.url, {
    max: config.database.poolMax,
    connectTimeout: config.database.connectTimeoutMs / 1000,
  })
  const services: AppContext = createAppContext(config, db, logger)
  // Background work (exports, erasure, retention, the stale-stream sweep) runs in this process.
  const jobs = await startJobRunner(services)
  services.readiness.attachJobs(jobs)
  const build = (await import('#build/index.js')) as ServerBuild
  const app = createApp({ services, build, publicDir: path.join(root, 'public') })
  const running = await listen(app, options.port ?? config.port, config.host)
  logger.info({ url: running.url }, 'clinai listening')
  let closing: Promise<void> | null = null
  const close = () => {
    closing ??= (async () => {
      await running.close()
      // Running jobs finish or go back to the queue (pg-boss's graceful stop); another instance picks them up.
      await jobs.stop()
      await services.progress.close()
      await flushTelemetry()
      await db.close()
    })()
    return closing
  }
  return {
    ...running,
    services,
    close,
    async shutdown({ graceMs = config.shutdownGraceMs } = {}) {
      app.locals.draining = true
      // No new connections; idle keep-alive ones are closed, busy ones close after their answer.
      running.server.close()
      running.server.closeIdleConnections()
      const live = services.generations.size
      await services.generations.settled(graceMs)
      const stopped = services.generations.size
      if (stopped > 0) {
        services.generations.stopAll()
        // Stopping is quick (the model call is aborted, the text is stored); allow for retries.
        await services.generations.settled(10_000)
      }
      logger.info({ finished: live - stopped, stopped }, 'shutdown: live answers ended')
      await close()
      return { finished: live - stopped, stopped }
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
  // App Service sends SIGTERM on every deploy, slot swap and scale-in, and kills about 30 s later.
  const stop = () => {
    app.shutdown().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
}
