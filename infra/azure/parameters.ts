// The knobs of a ClinAI deployment, with the production shape as defaults: one
// region in Germany, a Burstable database, an EU data zone for the model.
import type * as pulumi from '@pulumi/pulumi'

/** Deployment types that keep prompts and answers inside the EU (GlobalStandard does not). */
export const EU_DEPLOYMENT_TYPES = ['Standard', 'DataZoneStandard'] as const
export type OpenAiDeploymentType = (typeof EU_DEPLOYMENT_TYPES)[number]

export interface Parameters {
  /** Prefix of every resource name (letters and digits, 3 to 12). */
  prefix: string
  /** The Azure region of everything but the model account. */
  location: string
  /** The Azure OpenAI account's region (the same by default). */
  openAiLocation: string
  /** `DataZoneStandard` (processing within the EU data zone) or `Standard` (within the region). */
  openAiDeploymentType: OpenAiDeploymentType
  openAiModel: { name: string; version: string; deploymentName: string; capacity: number }
  appServiceSku: { name: string; tier: string }
  nodeVersion: string
  postgres: {
    skuName: string
    tier: string
    version: string
    storageSizeGb: number
    backupRetentionDays: number
    databaseName: string
    /** The server's admin login, used as the owner role (migrations, operator CLI). */
    ownerLogin: string
  }
  storage: { skuName: string; containerName: string }
  logRetentionDays: number
  alerts: {
    /** Where alerts go (an action group with this e-mail address); none when empty. */
    email: string
    /** Percent of requests answered 5xx over 5 minutes. */
    http5xxPercent: number
    /** p95 latency of non-streaming requests over 15 minutes, in milliseconds. */
    latencyP95Ms: number
    /** Failed Azure OpenAI requests (429 and 5xx) over 5 minutes. */
    openAiErrors: number
  }
  /** The OpenID Connect settings (not secret) of Azure AD B2C / Entra External ID. */
  auth: { issuer: string; clientId: string; redirectUri: string }
}

export const defaults: Parameters = {
  prefix: 'clinai',
  location: 'germanywestcentral',
  openAiLocation: 'germanywestcentral',
  openAiDeploymentType: 'DataZoneStandard',
  openAiModel: { name: 'gpt-4o-mini', version: '2024-07-18', deploymentName: 'gpt-4o-mini', capacity: 50 },
  // Deployment slots need Standard or above; P0v3 is the smallest Premium v3 plan.
  appServiceSku: { name: 'P0v3', tier: 'Premium0V3' },
  nodeVersion: '24-lts',
  postgres: {
    skuName: 'Standard_B1ms',
    tier: 'Burstable',
    version: '17',
    storageSizeGb: 32,
    backupRetentionDays: 7,
    databaseName: 'clinai',
    ownerLogin: 'clinai_owner',
  },
  storage: { skuName: 'Standard_LRS', containerName: 'clinai-files' },
  logRetentionDays: 30,
  alerts: { email: '', http5xxPercent: 5, latencyP95Ms: 2000, openAiErrors: 10 },
  auth: { issuer: '', clientId: '', redirectUri: '' },
}

/** Secrets from `pulumi config set --secret`: they reach Key Vault and nothing else. */
export interface Secrets {
  /** Password of the owner role (the server's admin login). */
  postgresOwnerPassword: pulumi.Input<string>
  /** Password of clinai_app, set with ALTER ROLE after the first migration. */
  postgresAppPassword: pulumi.Input<string>
  authClientSecret: pulumi.Input<string>
  /** Comma-separated; the first signs, all verify. */
  sessionSecret: pulumi.Input<string>
  /** Seals the pseudonym mappings: comma-separated 32-byte keys (hex or base64), the first seals. */
  pseudonymKey: pulumi.Input<string>
}

export class ParameterError extends Error {
  override name = 'ParameterError'
}

/** Refuses settings that break a rule of the production shape, before anything is created. */
export function checkParameters(parameters: Parameters): Parameters {
  if (!/^[a-z][a-z0-9]{2,11}$/.test(parameters.prefix)) {
    throw new ParameterError('prefix: 3 to 12 lowercase letters and digits, starting with a letter')
  }
  if (!(EU_DEPLOYMENT_TYPES as readonly string[]).includes(parameters.openAiDeploymentType)) {
    throw new ParameterError(
      `openAiDeploymentType: ${parameters.openAiDeploymentType} may process data outside the EU; use ${EU_DEPLOYMENT_TYPES.join(' or ')}`,
    )
  }
  if (parameters.postgres.backupRetentionDays < 7 || parameters.postgres.backupRetentionDays > 35) {
    throw new ParameterError('postgres.backupRetentionDays: between 7 and 35')
  }
  return parameters
}

/** Reads the stack's configuration (`pulumi config set clinai:<key> …`) over the defaults. */
export function readParameters(config: pulumi.Config): { parameters: Parameters; secrets: Secrets } {
  const location = config.get('location') ?? defaults.location
  const parameters: Parameters = {
    prefix: config.get('prefix') ?? defaults.prefix,
    location,
    openAiLocation: config.get('openAiLocation') ?? location,
    openAiDeploymentType:
      (config.get('openAiDeploymentType') as OpenAiDeploymentType | undefined) ??
      defaults.openAiDeploymentType,
    openAiModel: { ...defaults.openAiModel, ...config.getObject('openAiModel') },
    appServiceSku: { ...defaults.appServiceSku, ...config.getObject('appServiceSku') },
    nodeVersion: config.get('nodeVersion') ?? defaults.nodeVersion,
    postgres: { ...defaults.postgres, ...config.getObject('postgres') },
    storage: { ...defaults.storage, ...config.getObject('storage') },
    logRetentionDays: config.getNumber('logRetentionDays') ?? defaults.logRetentionDays,
    alerts: { ...defaults.alerts, ...config.getObject('alerts') },
    auth: {
      issuer: config.require('authIssuer'),
      clientId: config.require('authClientId'),
      redirectUri: config.require('authRedirectUri'),
    },
  }
  return {
    parameters: checkParameters(parameters),
    secrets: {
      postgresOwnerPassword: config.requireSecret('postgresOwnerPassword'),
      postgresAppPassword: config.requireSecret('postgresAppPassword'),
      authClientSecret: config.requireSecret('authClientSecret'),
      sessionSecret: config.requireSecret('sessionSecret'),
      pseudonymKey: config.requireSecret('pseudonymKey'),
    },
  }
}
