// The environment, validated once at start. In production every variable the
// product needs must be set and well-formed, or startup stops with a message
// naming it; in development and tests the local stand-ins fill the gaps.
import { z } from 'zod'

/** Where the local launcher (infra/local) puts its stand-ins by default. */
export const localDefaults = {
  port: 3000,
  postgresPort: 54329,
  oidcPort: 5556,
  aoaiSimulatorPort: 5557,
  databaseName: 'clinai',
  appRolePassword: 'clinai-local-app',
  ownerRolePassword: 'clinai-local-owner',
} as const

const localDatabaseUrl = (user: string, password: string) =>
  `postgres://${user}:${password}@localhost:${localDefaults.postgresPort}/${localDefaults.databaseName}`

const postgresUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      const url = new URL(value)
      return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== ''
    } catch {
      return false
    }
  }, 'must be a postgres:// URL with a host')

const port = z.coerce.number().int().min(1).max(65535)

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: port.default(3000),
  HOST: z.string().trim().min(1).max(255).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The app role's connection (NOSUPERUSER, NOBYPASSRLS). */
  DATABASE_URL: postgresUrl.optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  /** The owner role's connection: migrations, seeding and the operator CLI only. */
  DATABASE_OWNER_URL: postgresUrl.optional(),
  APPLICATIONINSIGHTS_CONNECTION_STRING: z.string().trim().min(1).max(2000).optional(),
})

/** Variables that have no stand-in in production. */
const requiredInProduction = ['DATABASE_URL'] as const

export type Env = z.infer<typeof envSchema>

export interface Config {
  nodeEnv: Env['NODE_ENV']
  isProduction: boolean
  port: number
  host: string
  logLevel: Env['LOG_LEVEL']
  database: { url: string; poolMax: number; ownerUrl: string | undefined }
  telemetry: { connectionString: string | undefined }
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

/** Reads process.env (or the given record). Throws ConfigError naming every bad variable. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  // Empty strings count as unset, as App Service leaves blank settings behind.
  const raw = Object.fromEntries(
    Object.entries(source).filter(([, value]) => value !== undefined && value !== ''),
  )
  const parsed = envSchema.safeParse(raw)
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    )
  }
  const env = parsed.data
  const isProduction = env.NODE_ENV === 'production'
  if (isProduction) {
    const missing = requiredInProduction.filter((name) => env[name] === undefined)
    if (missing.length > 0) throw new ConfigError(missing.map((name) => `${name}: is required in production`))
  }

  return {
    nodeEnv: env.NODE_ENV,
    isProduction,
    port: env.PORT,
    host: env.HOST,
    logLevel: env.LOG_LEVEL,
    database: {
      url: env.DATABASE_URL ?? localDatabaseUrl('clinai_app', localDefaults.appRolePassword),
      poolMax: env.DATABASE_POOL_MAX,
      ownerUrl:
        env.DATABASE_OWNER_URL ??
        (isProduction ? undefined : localDatabaseUrl('clinai_owner', localDefaults.ownerRolePassword)),
    },
    telemetry: { connectionString: env.APPLICATIONINSIGHTS_CONNECTION_STRING },
  }
}
