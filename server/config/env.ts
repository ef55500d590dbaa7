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
  aoaiSimulatorApiKey: 'local-dev-key',
  azuritePort: 10000,
  databaseName: 'clinai',
  appRolePassword: 'clinai-local-app',
  ownerRolePassword: 'clinai-local-owner',
} as const

/** The local database, on the port the dev launcher was told (CLINAI_PG_PORT) or its default. */
const localDatabaseUrl = (user: string, password: string, pgPort: string | undefined) =>
  `postgres://${user}:${password}@localhost:${Number(pgPort) || localDefaults.postgresPort}/${localDefaults.databaseName}`

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

const httpUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((value) => {
    try {
      const url = new URL(value)
      return url.protocol === 'https:' || url.protocol === 'http:'
    } catch {
      return false
    }
  }, 'must be an http(s) URL')

const port = z.coerce.number().int().min(1).max(65535)

/** What a deployment (or model) name may look like, here and in a clinic's settings. */
export const DEPLOYMENT_NAME = /^[A-Za-z0-9._:/-]{1,100}$/

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: port.default(3000),
  HOST: z.string().trim().min(1).max(255).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The app role's connection (NOSUPERUSER, NOBYPASSRLS). */
  DATABASE_URL: postgresUrl.optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  /** Longest wait for a database connection; while PostgreSQL is unreachable requests answer 503 after it. */
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3_000),
  /** The owner role's connection: migrations, seeding and the operator CLI only. */
  DATABASE_OWNER_URL: postgresUrl.optional(),
  APPLICATIONINSIGHTS_CONNECTION_STRING: z.string().trim().min(1).max(2000).optional(),

  /** OpenID Connect issuer: Azure AD B2C policy issuer, Entra External ID tenant, or the local provider. */
  AUTH_ISSUER: httpUrl.optional(),
  AUTH_CLIENT_ID: z.string().trim().min(1).max(200).optional(),
  AUTH_CLIENT_SECRET: z.string().trim().min(1).max(500).optional(),
  AUTH_REDIRECT_URI: httpUrl.optional(),
  /** Claim names carrying the clinic and role (B2C custom attributes are often `extension_<name>`). */
  AUTH_TENANT_CLAIM: z.string().trim().min(1).max(100).default('tenant_id'),
  AUTH_ROLE_CLAIM: z.string().trim().min(1).max(100).default('role'),
  AUTH_SCOPES: z.string().trim().min(6).max(500).default('openid profile email'),
  /** Comma-separated; the first signs, all verify, so secrets can be rotated. */
  SESSION_SECRET: z
    .string()
    .trim()
    .transform((value) =>
      value
        .split(',')
        .map((secret) => secret.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().min(32, 'each secret needs at least 32 characters')).min(1).max(10))
    .optional(),
  /**
   * Seals the pseudonym mappings (AES-256-GCM): comma-separated 32-byte keys as 64 hex digits or
   * base64; the first seals, all open, so a key can be rotated.
   */
  PSEUDONYM_KEY: z
    .string()
    .trim()
    .transform((value) =>
      value
        .split(',')
        .map((key) => key.trim())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(
          z.string().refine((key) => {
            const bytes = /^[0-9a-f]{64}$/i.test(key) ? Buffer.from(key, 'hex') : Buffer.from(key, 'base64')
            return bytes.length === 32
          }, 'each key must be 32 bytes, as 64 hex digits or base64'),
        )
        .min(1)
        .max(10),
    )
    .optional(),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 14)
    .default(12),

  /**
   * Azure OpenAI: the resource endpoint (https://<name>.openai.azure.com), default deployment and
   * API version. Without a key the app signs in with its managed identity (@azure/identity).
   */
  AZURE_OPENAI_ENDPOINT: httpUrl.optional(),
  AZURE_OPENAI_API_KEY: z.string().trim().min(1).max(500).optional(),
  AZURE_OPENAI_DEPLOYMENT: z.string().trim().min(1).max(100).default('gpt-4o-mini'),
  /**
   * The deployments (or models) a clinic's admin may choose from, comma-separated; the default
   * deployment when unset. A clinic's choice is checked against it, so no free text reaches Azure.
   */
  AZURE_OPENAI_DEPLOYMENTS: z
    .string()
    .max(2000)
    .transform((value) => value.split(',').map((name) => name.trim()))
    .pipe(
      z
        .array(z.string().regex(DEPLOYMENT_NAME, 'each name: letters, digits and . _ : / - (at most 100)'))
        .min(1)
        .max(20)
        .refine((names) => new Set(names).size === names.length, 'names must not repeat'),
    )
    .optional(),
  AZURE_OPENAI_API_VERSION: z
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}(?:-preview)?$/, 'must look like 2024-10-21')
    .default('2024-10-21'),
  /**
   * Azure Blob Storage: the account URL (https://<account>.blob.core.windows.net, managed identity)
   * or a connection string (a key or SAS: Azurite and other setups), and the container.
   */
  AZURE_STORAGE_ACCOUNT_URL: httpUrl.optional(),
  AZURE_STORAGE_CONNECTION_STRING: z.string().trim().min(1).max(2000).optional(),
  AZURE_STORAGE_CONTAINER: z
    .string()
    .trim()
    .regex(/^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$/, 'must be a valid container name')
    .default('clinai-files'),
  /** Days an export archive stays downloadable; then its blob is deleted. */
  EXPORT_EXPIRY_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  /** When the daily maintenance (retention, export expiry) runs: a cron expression in UTC. */
  JOBS_MAINTENANCE_CRON: z
    .string()
    .trim()
    .regex(/^(\S+\s+){4}\S+$/, 'must be a cron expression of five fields')
    .default('17 3 * * *'),
  /** How often each instance looks for queued jobs, and for jobs whose worker died. */
  JOBS_POLL_SECONDS: z.coerce.number().min(0.5).max(60).default(2),
  JOBS_SUPERVISE_SECONDS: z.coerce.number().int().min(1).max(600).default(30),
  /** Any OpenAI-compatible server (vLLM, Ollama) instead of Azure: base URL (…/v1), key and model. */
  OPENAI_BASE_URL: httpUrl.optional(),
  OPENAI_API_KEY: z.string().trim().min(1).max(500).optional(),
  OPENAI_MODEL: z.string().trim().min(1).max(100).optional(),
  /** Until the model's response starts (per attempt). */
  LLM_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(60_000),
  /** Longest silence allowed inside a streaming answer before it ends as `timeout`. */
  LLM_IDLE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  /** Retries before a stream starts (429, 5xx, connection errors), honouring retry-after-ms. */
  LLM_MAX_RETRIES: z.coerce.number().int().min(0).max(5).default(2),
  /** Prompt budget in tokens: system prompt + history (newest first) + the new message. */
  LLM_CONTEXT_TOKENS: z.coerce.number().int().min(500).max(1_000_000).default(12_000),
  LLM_MAX_OUTPUT_TOKENS: z.coerce.number().int().min(16).max(100_000).default(1_500),
  /** Chat requests per user per minute. */
  CHAT_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(20),
  /** On SIGTERM, how long live answers may run on before they are stopped (App Service kills after ~30 s). */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(20_000),
  /** tRPC calls per person per minute, sessions and tokens together (a batch counts each call). */
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  /** tRPC calls per personal access token per minute, so one runaway script leaves its owner room. */
  API_TOKEN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(300),
})

/** Variables that have no stand-in in production. */
const requiredInProduction = [
  'DATABASE_URL',
  'AUTH_ISSUER',
  'AUTH_CLIENT_ID',
  'AUTH_CLIENT_SECRET',
  'AUTH_REDIRECT_URI',
  'SESSION_SECRET',
  'PSEUDONYM_KEY',
] as const

/** Local-only secrets: never accepted in production (see requiredInProduction). */
const localSessionSecret = 'clinai-local-development-session-secret-not-for-production'
/** The local stand-in's pseudonym key (32 bytes of hex); production must set its own. */
const localPseudonymKey = '636c696e61692d6c6f63616c2d70736575646f6e796d2d6b65792d6e6f742d31'

export type Env = z.infer<typeof envSchema>

export interface Config {
  nodeEnv: Env['NODE_ENV']
  isProduction: boolean
  port: number
  host: string
  logLevel: Env['LOG_LEVEL']
  database: { url: string; poolMax: number; connectTimeoutMs: number; ownerUrl: string | undefined }
  telemetry: { connectionString: string | undefined }
  auth: {
    issuer: string
    clientId: string
    clientSecret: string
    redirectUri: string
    tenantClaim: string
    roleClaim: string
    scopes: string
  }
  session: { secrets: string[]; idleMinutes: number; absoluteHours: number; secureCookie: boolean }
  /** Keys that seal the pseudonym mappings; the first seals. */
  pseudonymKeys: string[]
  llm: LlmConfig
  storage: StorageConfig
  exports: { expiryDays: number }
  jobs: { maintenanceCron: string; pollSeconds: number; superviseSeconds: number }
  chat: { rateLimitPerMinute: number }
  api: { rateLimitPerMinute: number; tokenRateLimitPerMinute: number }
  shutdownGraceMs: number
}

export interface LlmConfig {
  /** `azure`: the AzureOpenAI client (deployment URLs); `openai`: any OpenAI-compatible base URL. */
  provider: 'azure' | 'openai'
  /** Azure resource endpoint, or the OpenAI-compatible base URL. */
  url: string
  /** Absent for Azure: the client then authenticates with a token from @azure/identity. */
  apiKey: string | undefined
  apiVersion: string
  /** The deployment (Azure) or model name used when the clinic sets none. */
  defaultDeployment: string
  /** The deployments a clinic may choose from (AZURE_OPENAI_DEPLOYMENTS); includes the default. */
  deployments: string[]
  requestTimeoutMs: number
  idleTimeoutMs: number
  maxRetries: number
  contextTokens: number
  maxOutputTokens: number
}

export interface StorageConfig {
  /** https://<account>.blob.core.windows.net: reached with the managed identity. */
  accountUrl: string | undefined
  /** Instead of the URL: a connection string with a key or SAS (Azurite, other setups). */
  connectionString: string | undefined
  container: string
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
    // A key is optional: without one the managed identity signs in.
    const hasAzure = env.AZURE_OPENAI_ENDPOINT !== undefined
    const hasOpenAi = env.OPENAI_BASE_URL !== undefined && env.OPENAI_MODEL !== undefined
    if (!hasAzure && !hasOpenAi) {
      throw new ConfigError([
        'AZURE_OPENAI_ENDPOINT: is required in production (or OPENAI_BASE_URL and OPENAI_MODEL)',
      ])
    }
    const insecure = (['AUTH_ISSUER', 'AUTH_REDIRECT_URI'] as const).filter(
      (name) => !env[name]!.startsWith('https://'),
    )
    if (insecure.length > 0)
      throw new ConfigError(insecure.map((name) => `${name}: must use https in production`))
  }
  if (env.AZURE_STORAGE_ACCOUNT_URL !== undefined && env.AZURE_STORAGE_CONNECTION_STRING !== undefined) {
    throw new ConfigError([
      'AZURE_STORAGE_CONNECTION_STRING: set either AZURE_STORAGE_ACCOUNT_URL or AZURE_STORAGE_CONNECTION_STRING, not both',
    ])
  }
  if (env.AZURE_OPENAI_ENDPOINT !== undefined && env.OPENAI_BASE_URL !== undefined) {
    throw new ConfigError(['OPENAI_BASE_URL: set either AZURE_OPENAI_ENDPOINT or OPENAI_BASE_URL, not both'])
  }
  const defaultDeployment =
    env.OPENAI_BASE_URL !== undefined
      ? (env.OPENAI_MODEL ?? env.AZURE_OPENAI_DEPLOYMENT)
      : env.AZURE_OPENAI_DEPLOYMENT
  const deployments = env.AZURE_OPENAI_DEPLOYMENTS ?? [defaultDeployment]
  if (!deployments.includes(defaultDeployment)) {
    throw new ConfigError([
      `AZURE_OPENAI_DEPLOYMENTS: must include the default deployment "${defaultDeployment}"`,
    ])
  }
  const localAuth = {
    issuer: `http://localhost:${localDefaults.oidcPort}`,
    clientId: 'clinai-local',
    clientSecret: 'clinai-local-secret',
    redirectUri: `http://localhost:${env.PORT}/auth/callback`,
  }

  return {
    nodeEnv: env.NODE_ENV,
    isProduction,
    port: env.PORT,
    host: env.HOST,
    logLevel: env.LOG_LEVEL,
    database: {
      url:
        env.DATABASE_URL ?? localDatabaseUrl('clinai_app', localDefaults.appRolePassword, raw.CLINAI_PG_PORT),
      poolMax: env.DATABASE_POOL_MAX,
      connectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS,
      ownerUrl:
        env.DATABASE_OWNER_URL ??
        (isProduction
          ? undefined
          : localDatabaseUrl('clinai_owner', localDefaults.ownerRolePassword, raw.CLINAI_PG_PORT)),
    },
    telemetry: { connectionString: env.APPLICATIONINSIGHTS_CONNECTION_STRING },
    auth: {
      issuer: (env.AUTH_ISSUER ?? localAuth.issuer).replace(/\/$/, ''),
      clientId: env.AUTH_CLIENT_ID ?? localAuth.clientId,
      clientSecret: env.AUTH_CLIENT_SECRET ?? localAuth.clientSecret,
      redirectUri: env.AUTH_REDIRECT_URI ?? localAuth.redirectUri,
      tenantClaim: env.AUTH_TENANT_CLAIM,
      roleClaim: env.AUTH_ROLE_CLAIM,
      scopes: env.AUTH_SCOPES,
    },
    session: {
      secrets: env.SESSION_SECRET ?? [localSessionSecret],
      idleMinutes: env.SESSION_IDLE_MINUTES,
      absoluteHours: env.SESSION_ABSOLUTE_HOURS,
      secureCookie: isProduction,
    },
    pseudonymKeys: env.PSEUDONYM_KEY ?? [localPseudonymKey],
    llm: {
      ...(env.OPENAI_BASE_URL !== undefined
        ? {
            provider: 'openai' as const,
            url: env.OPENAI_BASE_URL.replace(/\/$/, ''),
            // Local servers (Ollama, vLLM) often need no key; the SDK still wants one.
            apiKey: env.OPENAI_API_KEY ?? 'none',
            defaultDeployment: env.OPENAI_MODEL ?? env.AZURE_OPENAI_DEPLOYMENT,
          }
        : {
            provider: 'azure' as const,
            // Locally: the bundled simulator (infra/local/aoai-simulator) on its default port.
            url: (env.AZURE_OPENAI_ENDPOINT ?? `http://127.0.0.1:${localDefaults.aoaiSimulatorPort}`).replace(
              /\/$/,
              '',
            ),
            // The simulator's key only when the simulator is used; a real endpoint without a key
            // means the managed identity.
            apiKey:
              env.AZURE_OPENAI_API_KEY ??
              (env.AZURE_OPENAI_ENDPOINT === undefined ? localDefaults.aoaiSimulatorApiKey : undefined),
            defaultDeployment: env.AZURE_OPENAI_DEPLOYMENT,
          }),
      deployments,
      apiVersion: env.AZURE_OPENAI_API_VERSION,
      requestTimeoutMs: env.LLM_REQUEST_TIMEOUT_MS,
      idleTimeoutMs: env.LLM_IDLE_TIMEOUT_MS,
      maxRetries: env.LLM_MAX_RETRIES,
      contextTokens: env.LLM_CONTEXT_TOKENS,
      maxOutputTokens: env.LLM_MAX_OUTPUT_TOKENS,
    },
    storage: {
      accountUrl: env.AZURE_STORAGE_ACCOUNT_URL?.replace(/\/$/, ''),
      connectionString: env.AZURE_STORAGE_CONNECTION_STRING,
      container: env.AZURE_STORAGE_CONTAINER,
    },
    exports: { expiryDays: env.EXPORT_EXPIRY_DAYS },
    jobs: {
      maintenanceCron: env.JOBS_MAINTENANCE_CRON,
      pollSeconds: env.JOBS_POLL_SECONDS,
      superviseSeconds: env.JOBS_SUPERVISE_SECONDS,
    },
    chat: { rateLimitPerMinute: env.CHAT_RATE_LIMIT_PER_MINUTE },
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    api: {
      rateLimitPerMinute: env.API_RATE_LIMIT_PER_MINUTE,
      tokenRateLimitPerMinute: env.API_TOKEN_RATE_LIMIT_PER_MINUTE,
    },
  }
}
