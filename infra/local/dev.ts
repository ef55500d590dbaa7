// `npm run dev`: start the local stand-ins, migrate and seed, then serve the
// app on PORT with ordinary connection settings. Data lives under .data/ and
// survives restarts. Ctrl-C stops everything cleanly.
//
// Environment (all optional): PORT (3000), CLINAI_DATA_DIR (.data),
// CLINAI_PG_PORT (54329), CLINAI_FRESH=1 to start from an empty data folder.
import { rm } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { runMigrations } from '#db/migrate.ts'
import { seedDemoData } from '#db/seed.ts'
import { loadConfig, localDefaults } from '#server/config/env.ts'
import { startApp } from '#server/main.ts'
import { startLocalPostgres } from './postgres.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const dataDir = path.resolve(root, process.env.CLINAI_DATA_DIR ?? '.data')
const pgPort = Number(process.env.CLINAI_PG_PORT ?? localDefaults.postgresPort)
const databaseName = localDefaults.databaseName

if (process.env.NODE_ENV === 'production') {
  console.error('infra/local/dev.ts starts local stand-ins and never runs in production; use `npm start`.')
  process.exit(1)
}

if (process.env.CLINAI_FRESH === '1') await rm(dataDir, { recursive: true, force: true })

const stoppers: Array<() => Promise<void>> = []
let stopping = false
async function stopAll(code: number) {
  if (stopping) return
  stopping = true
  for (const stop of stoppers.reverse()) {
    await stop().catch((error: unknown) => console.error('error while stopping:', error))
  }
  process.exit(code)
}
process.once('SIGINT', () => void stopAll(0))
process.once('SIGTERM', () => void stopAll(0))

try {
  console.log(
    `[dev] starting PostgreSQL 17 on port ${pgPort} (data in ${path.relative(root, dataDir)}/postgres)`,
  )
  const pg = await startLocalPostgres({
    dataDir: path.join(dataDir, 'postgres'),
    port: pgPort,
    persistent: true,
    databaseName,
    ownerPassword: localDefaults.ownerRolePassword,
    appPassword: localDefaults.appRolePassword,
  })
  stoppers.push(() => pg.stop())

  await runMigrations(pg.ownerUrl())
  await pg.enableAppLogin()
  const oidcIssuer = process.env.AUTH_ISSUER ?? `http://localhost:${localDefaults.oidcPort}`
  const { seeded } = await seedDemoData(pg.ownerUrl(), { oidcIssuer })
  console.log(seeded ? '[dev] seeded the demo clinics' : '[dev] kept the existing data')

  process.env.DATABASE_URL = pg.appUrl()
  process.env.DATABASE_OWNER_URL = pg.ownerUrl()
  const config = loadConfig()
  const app = await startApp(config)
  stoppers.push(() => app.close())
  console.log(`[dev] ClinAI is running at ${app.url}`)
} catch (error) {
  console.error('[dev] could not start:', error)
  await stopAll(1)
}
