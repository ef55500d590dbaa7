// `npm run dev`: start the local stand-ins, migrate and seed, then serve the
// app on PORT with ordinary connection settings. Data lives under .data/ and
// survives restarts. Ctrl-C stops everything cleanly.
//
// Environment (all optional): PORT (3000), CLINAI_DATA_DIR (.data),
// CLINAI_PG_PORT (54329), CLINAI_OIDC_PORT (5556), CLINAI_FRESH=1 to start
// from an empty data folder, CLINAI_AOAI_PORT (5557) for the Azure OpenAI
// simulator, CLINAI_AZURITE_PORT (10000) for Azurite (Blob Storage, data in
// .data/azurite). Setting AUTH_ISSUER uses a real identity provider instead of the
// bundled one; setting AZURE_OPENAI_ENDPOINT (or OPENAI_BASE_URL) uses a real
// model instead of the simulator; setting AZURE_STORAGE_CONNECTION_STRING (or
// AZURE_STORAGE_ACCOUNT_URL) uses a real storage account instead of Azurite.
import { rm } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { runMigrations } from '#db/migrate.ts'
import { seedDemoData } from '#infra/local/seed.ts'
import { loadConfig, localDefaults } from '#server/config/env.ts'
import { startApp } from '#server/main.ts'
import { startAoaiSimulator } from './aoai-simulator/server.ts'
import { startLocalAzurite } from './azurite.ts'
import { startIdentityProvider } from './identity-provider.ts'
import { startLocalPostgres } from './postgres.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const dataDir = path.resolve(root, process.env.CLINAI_DATA_DIR ?? '.data')
const pgPort = Number(process.env.CLINAI_PG_PORT ?? localDefaults.postgresPort)
const databaseName = localDefaults.databaseName
const appPort = Number(process.env.PORT ?? localDefaults.port)
const oidcPort = Number(process.env.CLINAI_OIDC_PORT ?? localDefaults.oidcPort)
const aoaiPort = Number(process.env.CLINAI_AOAI_PORT ?? localDefaults.aoaiSimulatorPort)
const azuritePort = Number(process.env.CLINAI_AZURITE_PORT ?? localDefaults.azuritePort)

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
  if (!process.env.AUTH_ISSUER) {
    const redirectUri = `http://localhost:${appPort}/auth/callback`
    const idp = await startIdentityProvider({
      port: oidcPort,
      clients: [
        {
          clientId: 'clinai-local',
          clientSecret: 'clinai-local-secret',
          redirectUris: [redirectUri],
          postLogoutRedirectUris: [`http://localhost:${appPort}/`],
        },
      ],
    })
    stoppers.push(() => idp.close())
    Object.assign(process.env, {
      AUTH_ISSUER: idp.issuer,
      AUTH_CLIENT_ID: 'clinai-local',
      AUTH_CLIENT_SECRET: 'clinai-local-secret',
      AUTH_REDIRECT_URI: redirectUri,
    })
    console.log(`[dev] local identity provider at ${idp.issuer} (demo accounts in the README)`)
  }
  if (!process.env.AZURE_OPENAI_ENDPOINT && !process.env.OPENAI_BASE_URL) {
    const simulator = await startAoaiSimulator({ port: aoaiPort, apiKey: localDefaults.aoaiSimulatorApiKey })
    stoppers.push(() => simulator.close())
    Object.assign(process.env, {
      AZURE_OPENAI_ENDPOINT: simulator.url,
      AZURE_OPENAI_API_KEY: localDefaults.aoaiSimulatorApiKey,
      // The simulator answers any deployment; admins choose among these in the clinic settings.
      AZURE_OPENAI_DEPLOYMENTS: process.env.AZURE_OPENAI_DEPLOYMENTS ?? 'gpt-4o-mini,gpt-4o',
    })
    console.log(`[dev] Azure OpenAI simulator at ${simulator.url} (faults: see infra/local/aoai-simulator)`)
  }
  if (!process.env.AZURE_STORAGE_CONNECTION_STRING && !process.env.AZURE_STORAGE_ACCOUNT_URL) {
    const azurite = await startLocalAzurite({ port: azuritePort, location: path.join(dataDir, 'azurite') })
    stoppers.push(() => azurite.stop())
    process.env.AZURE_STORAGE_CONNECTION_STRING = azurite.connectionString
    console.log(
      `[dev] Azurite (Blob Storage) on port ${azuritePort} (data in ${path.relative(root, dataDir)}/azurite)`,
    )
  }
  const { seeded } = await seedDemoData(pg.ownerUrl(), { oidcIssuer: process.env.AUTH_ISSUER! })
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
