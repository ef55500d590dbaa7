// A bare job runner in its own process, for the tests that kill one with SIGKILL mid-job
// and start another: the app's runner (server/jobs/runner.ts) on the given environment.
import { connectDatabase } from '#db/client.ts'
import { loadConfig } from '#server/config/env.ts'
import { startJobRunner } from '#server/jobs/runner.ts'
import { createLogger } from '#server/logger.ts'
import { createAppContext } from '#server/app-context.ts'

const config = loadConfig()
const db = connectDatabase(config.database.url, { max: 4 })
const services = createAppContext(config, db, createLogger(config.logLevel))
const runner = await startJobRunner(services)
console.log('ready')
process.once('SIGTERM', () => {
  void runner.stop().then(() => db.close().then(() => process.exit(0)))
})
