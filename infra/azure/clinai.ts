// ClinAI's production resources: one App Service (Linux) with a staging slot in
// front of one PostgreSQL Flexible Server, a private Blob container, Azure OpenAI,
// Key Vault for the secrets and Application Insights with three alerts. The app
// reaches OpenAI, Blob and Key Vault with its managed identity: no keys in settings.
import * as applicationinsights from '@pulumi/azure-native/applicationinsights'
import * as authorization from '@pulumi/azure-native/authorization'
import * as cognitiveservices from '@pulumi/azure-native/cognitiveservices'
import * as dbforpostgresql from '@pulumi/azure-native/dbforpostgresql'
import * as keyvault from '@pulumi/azure-native/keyvault'
import * as monitor from '@pulumi/azure-native/monitor'
import * as operationalinsights from '@pulumi/azure-native/operationalinsights'
import * as resources from '@pulumi/azure-native/resources'
import * as storage from '@pulumi/azure-native/storage'
import * as web from '@pulumi/azure-native/web'
import * as pulumi from '@pulumi/pulumi'
import { checkParameters, type Parameters, type Secrets } from './parameters'

/** Built-in role definitions (the same ids in every Azure tenant). */
export const ROLES = {
  cognitiveServicesOpenAiUser: '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd',
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6',
} as const

/** App settings that hold secrets: always Key Vault references, never values. */
export const SECRET_SETTINGS = [
  'DATABASE_URL',
  'AUTH_CLIENT_SECRET',
  'SESSION_SECRET',
  'PSEUDONYM_KEY',
] as const

export const HEALTH_CHECK_PATH = '/ready'

export interface ClinaiOutputs {
  resourceGroupName: pulumi.Output<string>
  webAppName: pulumi.Output<string>
  webAppUrl: pulumi.Output<string>
  stagingUrl: pulumi.Output<string>
  postgresHost: pulumi.Output<string>
  keyVaultName: pulumi.Output<string>
  openAiEndpoint: pulumi.Output<string>
  storageBlobUrl: pulumi.Output<string>
}

export function createClinai(input: Parameters, secrets: Secrets): ClinaiOutputs {
  const p = checkParameters(input)
  const stack = pulumi
    .getStack()
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
  const base = `${p.prefix}-${stack}`
  // Storage accounts and vaults: globally unique, lowercase letters and digits, at most 24.
  const compact = (suffix: string) => `${p.prefix}${stack}${suffix}`.slice(0, 24)
  const location = p.location
  const client = authorization.getClientConfigOutput()

  const group = new resources.ResourceGroup('group', { resourceGroupName: `${base}-rg`, location })
  const resourceGroupName = group.name

  // Telemetry: Log Analytics and a workspace-based Application Insights.
  const logs = new operationalinsights.Workspace('logs', {
    resourceGroupName,
    location,
    workspaceName: `${base}-logs`,
    sku: { name: 'PerGB2018' },
    retentionInDays: p.logRetentionDays,
  })
  const insights = new applicationinsights.Component('insights', {
    resourceGroupName,
    location,
    resourceName: `${base}-insights`,
    kind: 'web',
    applicationType: 'web',
    workspaceResourceId: logs.id,
    ingestionMode: 'LogAnalytics',
  })

  // Key Vault: RBAC only (no access policies), soft delete and purge protection.
  const vault = new keyvault.Vault('vault', {
    resourceGroupName,
    location,
    vaultName: compact('kv'),
    properties: {
      tenantId: client.tenantId,
      sku: { family: 'A', name: 'standard' },
      enableRbacAuthorization: true,
      enableSoftDelete: true,
      softDeleteRetentionInDays: 90,
      enablePurgeProtection: true,
    },
  })
  const secret = (name: string, value: pulumi.Input<string>) =>
    new keyvault.Secret(`secret-${name}`, {
      resourceGroupName,
      vaultName: vault.name,
      secretName: name,
      properties: { value: pulumi.secret(value) },
    })

  // PostgreSQL Flexible Server: the admin login is the owner role (migrations, CLI);
  // clinai_app is created by the first migration and gets its password afterwards.
  const postgres = new dbforpostgresql.Server('postgres', {
    resourceGroupName,
    location,
    serverName: `${base}-pg`,
    version: p.postgres.version,
    sku: { name: p.postgres.skuName, tier: p.postgres.tier },
    storage: { storageSizeGB: p.postgres.storageSizeGb, autoGrow: 'Enabled' },
    backup: { backupRetentionDays: p.postgres.backupRetentionDays, geoRedundantBackup: 'Disabled' },
    highAvailability: { mode: 'Disabled' },
    authConfig: { passwordAuth: 'Enabled', activeDirectoryAuth: 'Disabled' },
    administratorLogin: p.postgres.ownerLogin,
    administratorLoginPassword: secrets.postgresOwnerPassword,
    network: { publicNetworkAccess: 'Enabled' },
  })
  const serverSetting = (name: string, value: string) =>
    new dbforpostgresql.Configuration(`pg-${name.replace(/_/g, '-')}`, {
      resourceGroupName,
      serverName: postgres.name,
      configurationName: name,
      value,
      source: 'user-override',
    })
  serverSetting('require_secure_transport', 'on')
  serverSetting('ssl_min_protocol_version', 'TLSv1.2')
  new dbforpostgresql.Database('database', {
    resourceGroupName,
    serverName: postgres.name,
    databaseName: p.postgres.databaseName,
    charset: 'UTF8',
    collation: 'en_US.utf8',
  })
  // 0.0.0.0 to 0.0.0.0 is Azure's marker for "connections from Azure services" (App Service's
  // outbound addresses change with the plan); no rule opens the server to the internet.
  new dbforpostgresql.FirewallRule('pg-allow-azure', {
    resourceGroupName,
    serverName: postgres.name,
    firewallRuleName: 'AllowAllAzureServicesAndResourcesWithinAzureIps',
    startIpAddress: '0.0.0.0',
    endIpAddress: '0.0.0.0',
  })
  const databaseUrl = pulumi.interpolate`postgres://clinai_app:${pulumi
    .output(secrets.postgresAppPassword)
    .apply(
      encodeURIComponent,
    )}@${postgres.fullyQualifiedDomainName}:5432/${p.postgres.databaseName}?sslmode=require`

  // Blob: GPv2, LRS, no anonymous access, no shared keys (identities only), one private container.
  const account = new storage.StorageAccount('storage', {
    resourceGroupName,
    location,
    accountName: compact('st'),
    kind: 'StorageV2',
    sku: { name: p.storage.skuName },
    accessTier: 'Hot',
    allowBlobPublicAccess: false,
    allowSharedKeyAccess: false,
    enableHttpsTrafficOnly: true,
    minimumTlsVersion: 'TLS1_2',
  })
  const container = new storage.BlobContainer('files', {
    resourceGroupName,
    accountName: account.name,
    containerName: p.storage.containerName,
    publicAccess: 'None',
  })

  // Azure OpenAI: Entra ID only (local auth off), a model deployment inside the EU.
  const openAi = new cognitiveservices.Account('openai', {
    resourceGroupName,
    location: p.openAiLocation,
    accountName: `${base}-openai`,
    kind: 'OpenAI',
    sku: { name: 'S0' },
    properties: {
      customSubDomainName: `${base}-openai`,
      disableLocalAuth: true,
      publicNetworkAccess: 'Enabled',
    },
  })
  const deployment = new cognitiveservices.Deployment('model', {
    resourceGroupName,
    accountName: openAi.name,
    deploymentName: p.openAiModel.deploymentName,
    sku: { name: p.openAiDeploymentType, capacity: p.openAiModel.capacity },
    properties: { model: { format: 'OpenAI', name: p.openAiModel.name, version: p.openAiModel.version } },
  })

  // App Service: one Linux plan, the web app and its staging slot.
  const plan = new web.AppServicePlan('plan', {
    resourceGroupName,
    location,
    name: `${base}-plan`,
    kind: 'linux',
    reserved: true,
    sku: p.appServiceSku,
  })
  const keyVaultReference = (name: string, value: pulumi.Input<string>) =>
    pulumi.interpolate`@Microsoft.KeyVault(SecretUri=${secret(name, value).properties.apply((s) => s.secretUri)})`
  const secretSettings = {
    DATABASE_URL: keyVaultReference('database-url', databaseUrl),
    AUTH_CLIENT_SECRET: keyVaultReference('auth-client-secret', secrets.authClientSecret),
    SESSION_SECRET: keyVaultReference('session-secret', secrets.sessionSecret),
    PSEUDONYM_KEY: keyVaultReference('pseudonym-key', secrets.pseudonymKey),
  } satisfies Record<(typeof SECRET_SETTINGS)[number], pulumi.Output<string>>
  const appName = `${base}-app`
  const settings = (redirectUri: pulumi.Input<string>) =>
    Object.entries({
      NODE_ENV: 'production',
      // The artifact is built and pruned before it is deployed (see the README).
      SCM_DO_BUILD_DURING_DEPLOYMENT: 'false',
      ...secretSettings,
      AUTH_ISSUER: p.auth.issuer,
      AUTH_CLIENT_ID: p.auth.clientId,
      AUTH_REDIRECT_URI: redirectUri,
      // Endpoints without keys: the app signs in with its managed identity.
      AZURE_OPENAI_ENDPOINT: openAi.properties.apply((props) => props.endpoint ?? ''),
      AZURE_OPENAI_DEPLOYMENT: deployment.name,
      AZURE_STORAGE_ACCOUNT_URL: account.primaryEndpoints.apply((endpoints) => endpoints.blob),
      AZURE_STORAGE_CONTAINER: container.name,
      // Not a secret (it only allows sending telemetry), so a plain setting.
      APPLICATIONINSIGHTS_CONNECTION_STRING: insights.connectionString,
    }).map(([name, value]) => ({ name, value }))
  const siteConfig = (redirectUri: pulumi.Input<string>) => ({
    linuxFxVersion: `NODE|${p.nodeVersion}`,
    appCommandLine: 'npm start',
    alwaysOn: true,
    http20Enabled: true,
    minTlsVersion: '1.2',
    scmMinTlsVersion: '1.2',
    ftpsState: 'Disabled',
    healthCheckPath: HEALTH_CHECK_PATH,
    appSettings: settings(redirectUri),
  })
  const app = new web.WebApp('app', {
    resourceGroupName,
    location,
    name: appName,
    kind: 'app,linux',
    serverFarmId: plan.id,
    httpsOnly: true,
    clientAffinityEnabled: false,
    identity: { type: 'SystemAssigned' },
    siteConfig: siteConfig(p.auth.redirectUri),
  })
  const slot = new web.WebAppSlot('staging', {
    resourceGroupName,
    location,
    name: app.name,
    slot: 'staging',
    kind: 'app,linux',
    serverFarmId: plan.id,
    httpsOnly: true,
    clientAffinityEnabled: false,
    identity: { type: 'SystemAssigned' },
    siteConfig: siteConfig(`https://${appName}-staging.azurewebsites.net/auth/callback`),
  })
  // The sign-in callback belongs to the slot's host name and must not travel with a swap.
  new web.WebAppSlotConfigurationNames('sticky-settings', {
    resourceGroupName,
    name: app.name,
    appSettingNames: ['AUTH_REDIRECT_URI'],
  })

  // Both slots' identities (a swap moves the code, not the identity) get exactly these roles.
  const grants: Array<[string, pulumi.Output<string>, string]> = [
    ['openai-user', openAi.id, ROLES.cognitiveServicesOpenAiUser],
    ['blob-contributor', container.id, ROLES.storageBlobDataContributor],
    ['secrets-user', vault.id, ROLES.keyVaultSecretsUser],
  ]
  for (const [site, principalId] of [
    ['app', app.identity.apply((identity) => identity!.principalId)],
    ['staging', slot.identity.apply((identity) => identity!.principalId)],
  ] as const) {
    for (const [grant, scope, role] of grants) {
      new authorization.RoleAssignment(`${site}-${grant}`, {
        principalId,
        principalType: 'ServicePrincipal',
        scope,
        roleDefinitionId: pulumi.interpolate`/subscriptions/${client.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
      })
    }
  }

  createAlerts(p, { resourceGroupName, insights, openAi })

  return {
    resourceGroupName,
    webAppName: app.name,
    webAppUrl: pulumi.interpolate`https://${app.defaultHostName}`,
    stagingUrl: pulumi.interpolate`https://${slot.defaultHostName}`,
    postgresHost: postgres.fullyQualifiedDomainName,
    keyVaultName: vault.name,
    openAiEndpoint: openAi.properties.apply((props) => props.endpoint ?? ''),
    storageBlobUrl: account.primaryEndpoints.apply((endpoints) => endpoints.blob),
  }
}

/** 5xx rate and p95 latency from Application Insights; failed model calls from Azure OpenAI's metrics. */
function createAlerts(
  p: Parameters,
  {
    resourceGroupName,
    insights,
    openAi,
  }: {
    resourceGroupName: pulumi.Output<string>
    insights: applicationinsights.Component
    openAi: cognitiveservices.Account
  },
) {
  const actionGroups: pulumi.Output<string>[] = []
  if (p.alerts.email) {
    const group = new monitor.ActionGroup('alerts', {
      resourceGroupName,
      location: 'global',
      actionGroupName: `${p.prefix}-alerts`,
      groupShortName: p.prefix.slice(0, 12),
      enabled: true,
      emailReceivers: [{ name: 'operators', emailAddress: p.alerts.email, useCommonAlertSchema: true }],
    })
    actionGroups.push(group.id)
  }
  const logAlert = (
    name: string,
    description: string,
    query: string,
    column: string,
    threshold: number,
    windowSize: string,
  ) =>
    new monitor.ScheduledQueryRule(name, {
      resourceGroupName,
      location: p.location,
      ruleName: `${p.prefix}-${name}`,
      description,
      kind: 'LogAlert',
      enabled: true,
      severity: 2,
      scopes: [insights.id],
      evaluationFrequency: 'PT5M',
      windowSize,
      criteria: {
        allOf: [
          {
            query,
            timeAggregation: 'Maximum',
            metricMeasureColumn: column,
            operator: 'GreaterThan',
            threshold,
            failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 },
          },
        ],
      },
      autoMitigate: true,
      actions: { actionGroups },
    })

  logAlert(
    'http-5xx-rate',
    `More than ${p.alerts.http5xxPercent}% of requests answered 5xx in 5 minutes`,
    [
      'requests',
      '| summarize total = count(), failed = countif(toint(resultCode) >= 500)',
      '| where total >= 20',
      '| extend failedPercent = 100.0 * failed / total',
    ].join('\n'),
    'failedPercent',
    p.alerts.http5xxPercent,
    'PT5M',
  )
  // Chat answers stream for many seconds by design; they would drown the page latency.
  logAlert(
    'latency-p95',
    `p95 of non-streaming requests above ${p.alerts.latencyP95Ms} ms over 15 minutes`,
    [
      'requests',
      '| where url !contains "/api/chat/"',
      '| summarize total = count(), p95 = percentile(duration, 95)',
      '| where total >= 20',
    ].join('\n'),
    'p95',
    p.alerts.latencyP95Ms,
    'PT15M',
  )
  new monitor.MetricAlert('openai-errors', {
    resourceGroupName,
    location: 'global',
    ruleName: `${p.prefix}-openai-errors`,
    description: `More than ${p.alerts.openAiErrors} Azure OpenAI requests failed (429 or 5xx) in 5 minutes`,
    enabled: true,
    severity: 2,
    scopes: [openAi.id],
    evaluationFrequency: 'PT1M',
    windowSize: 'PT5M',
    autoMitigate: true,
    criteria: {
      odataType: 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria',
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion',
          name: 'failed-requests',
          metricNamespace: 'Microsoft.CognitiveServices/accounts',
          metricName: 'AzureOpenAIRequests',
          dimensions: [
            { name: 'StatusCode', operator: 'Include', values: ['429', '500', '502', '503', '504'] },
          ],
          operator: 'GreaterThan',
          threshold: p.alerts.openAiErrors,
          timeAggregation: 'Total',
        },
      ],
    },
    actions: actionGroups.map((actionGroupId) => ({ actionGroupId })),
  })
}
