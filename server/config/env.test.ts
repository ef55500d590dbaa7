import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './env.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const productionEnv = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://app:secret@db.example:5432/clinai',
  AUTH_ISSUER: 'https://clinai.b2clogin.com/tfp/clinai.onmicrosoft.com/B2C_1A_signin/v2.0/',
  AUTH_CLIENT_ID: '00000000-0000-0000-0000-000000000001',
  AUTH_CLIENT_SECRET: 'client-secret',
  AUTH_REDIRECT_URI: 'https://clinai.example/auth/callback',
  SESSION_SECRET: 'a'.repeat(32) + ',' + 'b'.repeat(40),
  PSEUDONYM_KEY: 'c'.repeat(64),
  AZURE_OPENAI_ENDPOINT: 'https://clinai-weu.openai.azure.com/',
  AZURE_OPENAI_API_KEY: 'azure-key',
  AZURE_OPENAI_DEPLOYMENT: 'gpt-4o',
}

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(env)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return (error as ConfigError).message
  }
  throw new Error('expected loadConfig to fail')
}

describe('loadConfig: the model', () => {
  it('uses Azure OpenAI in production with the endpoint, key and deployment given', () => {
    const { llm } = loadConfig(productionEnv)
    expect(llm).toMatchObject({
      provider: 'azure',
      url: 'https://clinai-weu.openai.azure.com',
      apiKey: 'azure-key',
      defaultDeployment: 'gpt-4o',
      apiVersion: '2024-10-21',
    })
  })

  it('names the model variables when production has none', () => {
    const { AZURE_OPENAI_ENDPOINT: _endpoint, ...withoutEndpoint } = productionEnv
    expect(problemsOf(withoutEndpoint)).toMatch(/AZURE_OPENAI_ENDPOINT: is required in production/)
  })

  it('leaves the key out when production names an endpoint without one (the managed identity signs in)', () => {
    const { AZURE_OPENAI_API_KEY: _key, ...withoutKey } = productionEnv
    const { llm } = loadConfig(withoutKey)
    expect(llm).toMatchObject({ provider: 'azure', url: 'https://clinai-weu.openai.azure.com' })
    expect(llm.apiKey).toBeUndefined()
    // Only the local simulator gets its local key.
    expect(loadConfig({}).llm.apiKey).toBe('local-dev-key')
  })

  it('uses an OpenAI-compatible server when OPENAI_BASE_URL is set instead', () => {
    const { AZURE_OPENAI_ENDPOINT: _endpoint, AZURE_OPENAI_API_KEY: _key, ...rest } = productionEnv
    const { llm } = loadConfig({
      ...rest,
      OPENAI_BASE_URL: 'http://vllm.internal:8000/v1/',
      OPENAI_MODEL: 'llama',
    })
    expect(llm).toMatchObject({
      provider: 'openai',
      url: 'http://vllm.internal:8000/v1',
      defaultDeployment: 'llama',
    })
  })

  it('refuses both kinds at once and malformed limits', () => {
    expect(problemsOf({ ...productionEnv, OPENAI_BASE_URL: 'http://x.example/v1' })).toMatch(/not both/)
    expect(problemsOf({ LLM_IDLE_TIMEOUT_MS: '5' })).toMatch(/LLM_IDLE_TIMEOUT_MS/)
    expect(problemsOf({ CHAT_RATE_LIMIT_PER_MINUTE: 'lots' })).toMatch(/CHAT_RATE_LIMIT_PER_MINUTE/)
    expect(problemsOf({ AZURE_OPENAI_API_VERSION: 'latest' })).toMatch(/AZURE_OPENAI_API_VERSION/)
  })

  it('lists the deployments clinics may choose, checked at start and including the default', () => {
    expect(loadConfig(productionEnv).llm.deployments).toEqual(['gpt-4o'])
    expect(
      loadConfig({ ...productionEnv, AZURE_OPENAI_DEPLOYMENTS: 'gpt-4o-mini, gpt-4o' }).llm.deployments,
    ).toEqual(['gpt-4o-mini', 'gpt-4o'])
    expect(problemsOf({ ...productionEnv, AZURE_OPENAI_DEPLOYMENTS: 'gpt-4o-mini' })).toMatch(
      /AZURE_OPENAI_DEPLOYMENTS: must include the default deployment "gpt-4o"/,
    )
    for (const bad of ['gpt-4o,', 'gpt-4o,gpt 4', 'gpt-4o,gpt-4o'])
      expect(problemsOf({ ...productionEnv, AZURE_OPENAI_DEPLOYMENTS: bad })).toMatch(
        /AZURE_OPENAI_DEPLOYMENTS/,
      )
  })

  it('points at the local simulator in development', () => {
    expect(loadConfig({}).llm).toMatchObject({ provider: 'azure', url: 'http://127.0.0.1:5557' })
  })
})

describe('loadConfig: Blob storage', () => {
  it('takes an account URL (managed identity) or a connection string, not both', () => {
    expect(loadConfig(productionEnv).storage).toEqual({
      accountUrl: undefined,
      connectionString: undefined,
      container: 'clinai-files',
    })
    expect(
      loadConfig({
        AZURE_STORAGE_ACCOUNT_URL: 'https://clinai.blob.core.windows.net/',
        AZURE_STORAGE_CONTAINER: 'exports',
      }).storage,
    ).toEqual({
      accountUrl: 'https://clinai.blob.core.windows.net',
      connectionString: undefined,
      container: 'exports',
    })
    expect(
      problemsOf({
        AZURE_STORAGE_ACCOUNT_URL: 'https://a.blob.core.windows.net',
        AZURE_STORAGE_CONNECTION_STRING: 'x',
      }),
    ).toMatch(/not both/)
    expect(problemsOf({ AZURE_STORAGE_CONTAINER: 'Not_Valid' })).toMatch(/AZURE_STORAGE_CONTAINER/)
  })
})

describe('loadConfig', () => {
  it('points the local defaults at the port the dev launcher was given (CLINAI_PG_PORT)', () => {
    const { database } = loadConfig({ NODE_ENV: 'development', CLINAI_PG_PORT: '54444' })
    expect(new URL(database.url).port).toBe('54444')
    expect(new URL(database.ownerUrl!).port).toBe('54444')
    expect(new URL(loadConfig({ NODE_ENV: 'development' }).database.url).port).toBe('54329')
  })

  it('accepts a complete production environment', () => {
    const config = loadConfig(productionEnv)
    expect(config.isProduction).toBe(true)
    expect(config.database.url).toBe(productionEnv.DATABASE_URL)
    expect(config.database.ownerUrl).toBeUndefined()
  })

  it('names a variable that production requires and lacks', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toMatch(/DATABASE_URL: is required in production/)
  })

  it('names every missing auth variable', () => {
    const message = problemsOf({ NODE_ENV: 'production', DATABASE_URL: productionEnv.DATABASE_URL })
    for (const name of [
      'AUTH_ISSUER',
      'AUTH_CLIENT_ID',
      'AUTH_CLIENT_SECRET',
      'AUTH_REDIRECT_URI',
      'SESSION_SECRET',
      'PSEUDONYM_KEY',
    ]) {
      expect(message).toContain(name)
    }
  })

  it('refuses short session secrets and plain-http auth URLs in production', () => {
    expect(problemsOf({ ...productionEnv, SESSION_SECRET: 'short' })).toMatch(/SESSION_SECRET/)
    expect(problemsOf({ ...productionEnv, AUTH_ISSUER: 'http://idp.example' })).toMatch(
      /AUTH_ISSUER: must use https/,
    )
  })

  it('reads rotated session secrets in order', () => {
    expect(loadConfig(productionEnv).session.secrets).toEqual(['a'.repeat(32), 'b'.repeat(40)])
  })

  it('treats an empty value as missing', () => {
    expect(problemsOf({ NODE_ENV: 'production', DATABASE_URL: '' })).toMatch(/DATABASE_URL/)
  })

  it('names a malformed variable', () => {
    expect(problemsOf({ ...productionEnv, DATABASE_URL: 'mysql://x' })).toMatch(
      /DATABASE_URL: must be a postgres/,
    )
    expect(problemsOf({ ...productionEnv, PORT: 'eighty' })).toMatch(/PORT/)
    expect(problemsOf({ ...productionEnv, PORT: '70000' })).toMatch(/PORT/)
    expect(problemsOf({ ...productionEnv, NODE_ENV: 'staging' })).toMatch(/NODE_ENV/)
  })

  it('fills the gaps with the local stand-ins outside production', () => {
    const config = loadConfig({ NODE_ENV: 'development' })
    expect(config.database.url).toMatch(/^postgres:\/\/clinai_app:.*@localhost:\d+\/clinai$/)
    expect(config.database.ownerUrl).toMatch(/^postgres:\/\/clinai_owner:/)
    expect(config.port).toBe(3000)
  })
})

describe('server start-up in production', () => {
  it('stops with a message naming the bad variable', () => {
    const result = spawnSync(path.join(root, 'node_modules/.bin/tsx'), ['server/main.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH, NODE_ENV: 'production', DATABASE_URL: 'not a url', PORT: '0' },
      encoding: 'utf8',
      // tsx compiles the whole server first: seconds on a quiet machine, far more on a busy one.
      timeout: 80_000,
    })
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('ClinAI cannot start')
    expect(result.stderr).toContain('DATABASE_URL')
  }, 90_000)
})
