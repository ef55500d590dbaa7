// The production shape's rules, checked offline: the program runs under Pulumi's
// mocks (no CLI, no Azure) and the tests read what it would ask Azure to create.
import * as pulumi from '@pulumi/pulumi'
import { beforeAll, describe, expect, it } from 'vitest'
import { defaults, checkParameters, ParameterError, type Parameters } from './parameters'

interface Registered {
  type: string
  name: string
  inputs: Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
}

const SUBSCRIPTION = '11111111-2222-3333-4444-555555555555'
const registered: Registered[] = []

const lowerFirst = (value: string) => value.charAt(0).toLowerCase() + value.slice(1)

/** What Azure would answer: the inputs plus the outputs the program reads. */
function azureState({ type, name, inputs }: Registered): Record<string, unknown> {
  const typeName = type.split(':')[2]!
  const nameKey = [
    `${lowerFirst(typeName)}Name`,
    'name',
    'containerName',
    'accountName',
    'resourceName',
    'ruleName',
  ]
  const resourceName = nameKey.map((key) => inputs[key]).find((value) => typeof value === 'string') ?? name
  const state: Record<string, unknown> = { ...inputs, name: resourceName }
  if (type === 'azure-native:web:WebApp' || type === 'azure-native:web:WebAppSlot') {
    state.identity = { type: 'SystemAssigned', principalId: `principal-of-${name}`, tenantId: 'tenant' }
    state.defaultHostName = `${name}.azurewebsites.net`
  }
  if (type === 'azure-native:keyvault:Secret') {
    state.properties = {
      secretUri: `https://${inputs.vaultName}.vault.azure.net/secrets/${inputs.secretName}`,
    }
  }
  if (type === 'azure-native:cognitiveservices:Account') {
    state.properties = { ...inputs.properties, endpoint: `https://${inputs.accountName}.openai.azure.com/` }
  }
  if (type === 'azure-native:storage:StorageAccount') {
    state.primaryEndpoints = { blob: `https://${inputs.accountName}.blob.core.windows.net/` }
  }
  if (type === 'azure-native:dbforpostgresql:Server') {
    state.fullyQualifiedDomainName = `${inputs.serverName}.postgres.database.azure.com`
  }
  if (type === 'azure-native:applicationinsights:Component') {
    state.connectionString = 'InstrumentationKey=00000000-0000-0000-0000-000000000000'
  }
  return state
}

const of = (type: string) => registered.filter((resource) => resource.type === `azure-native:${type}`)
const one = (type: string) => {
  const found = of(type)
  expect(found, type).toHaveLength(1)
  return found[0]!
}

const parameters: Parameters = {
  ...defaults,
  alerts: { ...defaults.alerts, email: 'ops@praxis.example' },
  auth: {
    issuer: 'https://clinai.b2clogin.com/tenant/v2.0/',
    clientId: 'client-id',
    redirectUri: 'https://clinai.example/auth/callback',
  },
}
const secrets = {
  postgresOwnerPassword: 'owner-password-value',
  postgresAppPassword: 'app password/with:specials',
  authClientSecret: 'auth-client-secret-value',
  sessionSecret: 'session-secret-value-session-secret-value',
  pseudonymKey: 'pseudonym-key-value-pseudonym-key-value-0123',
}
const secretValues = Object.values(secrets)

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const resource = { type: args.type, name: args.name, inputs: args.inputs }
        registered.push(resource)
        const state = azureState(resource)
        return { id: `/subscriptions/${SUBSCRIPTION}/mock/${args.type}/${args.name}`, state }
      },
      call(args) {
        if (args.token === 'azure-native:authorization:getClientConfig') {
          return {
            subscriptionId: SUBSCRIPTION,
            tenantId: 'tenant',
            clientId: 'deployer',
            objectId: 'deployer',
          }
        }
        return args.inputs
      },
    },
    'clinai',
    'prod',
    false,
  )
  // Imported after the mocks are in place, as Pulumi requires.
  const { createClinai } = await import('./clinai')
  createClinai(parameters, secrets)
  // Waits until every registration has reached the mocks.
  await pulumi.runtime.disconnect()
})

describe('region and data residency', () => {
  it('defaults to Germany West Central for everything, the model included', () => {
    expect(defaults.location).toBe('germanywestcentral')
    expect(defaults.openAiLocation).toBe('germanywestcentral')
    const located = registered.filter((resource) => resource.inputs.location !== undefined)
    expect(located.length).toBeGreaterThan(8)
    for (const resource of located) {
      expect([parameters.location, 'global'], `${resource.type} ${resource.name}`).toContain(
        resource.inputs.location,
      )
    }
    expect(one('cognitiveservices:Account').inputs.location).toBe('germanywestcentral')
  })

  it('deploys the model in the EU data zone and refuses global deployments', () => {
    const deployment = one('cognitiveservices:Deployment')
    expect(deployment.inputs.sku.name).toBe('DataZoneStandard')
    expect(deployment.inputs.properties.model).toMatchObject({ format: 'OpenAI', name: 'gpt-4o-mini' })
    expect(() =>
      checkParameters({ ...defaults, openAiDeploymentType: 'GlobalStandard' as 'Standard' }),
    ).toThrow(ParameterError)
    expect(checkParameters({ ...defaults, openAiDeploymentType: 'Standard' }).openAiDeploymentType).toBe(
      'Standard',
    )
  })
})

describe('the web app', () => {
  const sites = () => [one('web:WebApp'), one('web:WebAppSlot')]

  it('runs Linux Node 24 on a plan that has slots, with a staging slot', () => {
    const plan = one('web:AppServicePlan')
    expect(plan.inputs).toMatchObject({ kind: 'linux', reserved: true })
    expect(plan.inputs.sku.tier).toMatch(/^(Standard|Premium)/)
    expect(one('web:WebAppSlot').inputs.slot).toBe('staging')
    for (const site of sites()) {
      expect(site.inputs.siteConfig.linuxFxVersion).toBe('NODE|24-lts')
      expect(site.inputs.siteConfig.appCommandLine).toBe('npm start')
      expect(site.inputs.siteConfig.alwaysOn).toBe(true)
    }
  })

  it('is HTTPS only with TLS 1.2 or newer, no FTP, and checks /ready', () => {
    for (const site of sites()) {
      expect(site.inputs.httpsOnly).toBe(true)
      expect(site.inputs.siteConfig.minTlsVersion).toBe('1.2')
      expect(site.inputs.siteConfig.ftpsState).toBe('Disabled')
      expect(site.inputs.siteConfig.healthCheckPath).toBe('/ready')
      expect(site.inputs.identity.type).toBe('SystemAssigned')
    }
  })

  it('gets its secrets as Key Vault references, and no key or password in plain text', () => {
    for (const site of sites()) {
      const settings = Object.fromEntries(
        (site.inputs.siteConfig.appSettings as Array<{ name: string; value: string }>).map((s) => [
          s.name,
          s.value,
        ]),
      )
      for (const name of ['DATABASE_URL', 'AUTH_CLIENT_SECRET', 'SESSION_SECRET', 'PSEUDONYM_KEY']) {
        expect(settings[name], name).toMatch(
          /^@Microsoft\.KeyVault\(SecretUri=https:\/\/[a-z0-9-]+\.vault\.azure\.net\/secrets\/[a-z-]+\)$/,
        )
      }
      for (const [name, value] of Object.entries(settings)) {
        for (const secret of secretValues) expect(value, name).not.toContain(secret)
        expect(value, name).not.toMatch(/AccountKey=|SharedAccessSignature|password/i)
      }
      // Endpoints without keys: the managed identity authenticates.
      expect(settings.AZURE_OPENAI_ENDPOINT).toMatch(/^https:\/\/.+\.openai\.azure\.com\/$/)
      expect(settings.AZURE_STORAGE_ACCOUNT_URL).toMatch(/^https:\/\/.+\.blob\.core\.windows\.net\/$/)
      expect(Object.keys(settings)).not.toContain('AZURE_OPENAI_API_KEY')
      expect(Object.keys(settings)).not.toContain('AZURE_STORAGE_CONNECTION_STRING')
      expect(settings.NODE_ENV).toBe('production')
      expect(settings.AUTH_REDIRECT_URI).toMatch(/^https:\/\//)
    }
  })

  it('keeps the secrets themselves in Key Vault, the database URL with sslmode=require', () => {
    const stored = Object.fromEntries(of('keyvault:Secret').map((s) => [s.inputs.secretName, s.inputs]))
    expect(Object.keys(stored).sort()).toEqual([
      'auth-client-secret',
      'database-url',
      'pseudonym-key',
      'session-secret',
    ])
    // Marked secret, so Pulumi keeps it encrypted in the state.
    expect(stored['database-url']!.properties.value).toMatchObject({
      value:
        'postgres://clinai_app:app%20password%2Fwith%3Aspecials@clinai-prod-pg.postgres.database.azure.com:5432/clinai?sslmode=require',
    })
  })
})

describe('nothing is publicly readable', () => {
  it('Blob: GPv2, LRS, HTTPS and TLS 1.2 only, no anonymous access, no shared keys, a private container', () => {
    const account = one('storage:StorageAccount')
    expect(account.inputs).toMatchObject({
      kind: 'StorageV2',
      sku: { name: 'Standard_LRS' },
      allowBlobPublicAccess: false,
      allowSharedKeyAccess: false,
      enableHttpsTrafficOnly: true,
      minimumTlsVersion: 'TLS1_2',
    })
    for (const container of of('storage:BlobContainer')) expect(container.inputs.publicAccess).toBe('None')
    expect(of('storage:BlobContainer')).toHaveLength(1)
  })

  it('Key Vault: RBAC, soft delete and purge protection', () => {
    expect(one('keyvault:Vault').inputs.properties).toMatchObject({
      enableRbacAuthorization: true,
      enableSoftDelete: true,
      enablePurgeProtection: true,
    })
    expect(one('keyvault:Vault').inputs.properties.accessPolicies ?? []).toHaveLength(0)
  })

  it('Azure OpenAI: Entra ID only, no keys', () => {
    expect(one('cognitiveservices:Account').inputs).toMatchObject({
      kind: 'OpenAI',
      properties: { disableLocalAuth: true },
    })
  })

  it('PostgreSQL 17, Burstable B1ms, 7-day backups, TLS required, no internet-wide firewall rule', () => {
    const server = one('dbforpostgresql:Server')
    expect(server.inputs).toMatchObject({
      version: '17',
      sku: { name: 'Standard_B1ms', tier: 'Burstable' },
      backup: { backupRetentionDays: 7 },
    })
    const configuration = Object.fromEntries(
      of('dbforpostgresql:Configuration').map((c) => [c.inputs.configurationName, c.inputs.value]),
    )
    expect(configuration).toMatchObject({
      require_secure_transport: 'on',
      ssl_min_protocol_version: 'TLSv1.2',
    })
    expect(one('dbforpostgresql:Database').inputs.databaseName).toBe('clinai')
    for (const rule of of('dbforpostgresql:FirewallRule')) {
      // 0.0.0.0-0.0.0.0 means "Azure services"; anything wider would open the server.
      expect(rule.inputs).toMatchObject({ startIpAddress: '0.0.0.0', endIpAddress: '0.0.0.0' })
    }
  })
})

describe("the app's identities", () => {
  const roleId = (guid: string) =>
    `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${guid}`

  it('get exactly OpenAI user, Blob data contributor on the container and Key Vault secrets user, per slot', () => {
    const assignments = of('authorization:RoleAssignment')
    const scopeOf = (type: string) => `/subscriptions/${SUBSCRIPTION}/mock/azure-native:${type}/`
    const expected = [
      ['5e0bd9bd-7b93-4f28-af87-19fc36ad61bd', scopeOf('cognitiveservices:Account')],
      ['ba92f5b4-2d11-453d-a403-e96b0029c9fe', scopeOf('storage:BlobContainer')],
      ['4633458b-17de-408a-b874-0445c86b69e6', scopeOf('keyvault:Vault')],
    ]
    for (const principal of ['principal-of-app', 'principal-of-staging']) {
      const mine = assignments.filter((a) => a.inputs.principalId === principal)
      expect(mine, principal).toHaveLength(3)
      for (const [guid, scope] of expected) {
        const assignment = mine.find((a) => a.inputs.roleDefinitionId === roleId(guid!))
        expect(assignment, `${principal} ${guid}`).toBeDefined()
        expect(assignment!.inputs.scope).toMatch(new RegExp(`^${scope}`))
        expect(assignment!.inputs.principalType).toBe('ServicePrincipal')
      }
    }
    expect(assignments).toHaveLength(6)
  })
})

describe('telemetry and alerts', () => {
  it('sends Application Insights to a Log Analytics workspace', () => {
    const insights = one('applicationinsights:Component')
    expect(insights.inputs.workspaceResourceId).toMatch(/operationalinsights:Workspace/)
    expect(insights.inputs.ingestionMode).toBe('LogAnalytics')
  })

  it('alerts on the 5xx rate, on p95 latency and on failed OpenAI requests, to the operators', () => {
    const group = one('monitor:ActionGroup')
    expect(group.inputs.emailReceivers).toEqual([
      expect.objectContaining({ emailAddress: 'ops@praxis.example' }),
    ])
    const rules = Object.fromEntries(of('monitor:ScheduledQueryRule').map((r) => [r.name, r.inputs]))
    const rate = rules['http-5xx-rate']!
    expect(rate.scopes[0]).toMatch(/applicationinsights:Component/)
    expect(rate.criteria.allOf[0]).toMatchObject({ operator: 'GreaterThan', threshold: 5 })
    expect(rate.criteria.allOf[0].query).toMatch(/toint\(resultCode\) >= 500/)
    expect(rate.criteria.allOf[0].query).toMatch(/100\.0 \* failed \/ total/)
    const latency = rules['latency-p95']!
    expect(latency.criteria.allOf[0]).toMatchObject({
      operator: 'GreaterThan',
      threshold: 2000,
      metricMeasureColumn: 'p95',
    })
    expect(latency.criteria.allOf[0].query).toMatch(/percentile\(duration, 95\)/)
    // Chat streams last for seconds on purpose and stay out of the latency figure.
    expect(latency.criteria.allOf[0].query).toMatch(/!contains "\/api\/chat\/"/)
    const openAi = one('monitor:MetricAlert')
    expect(openAi.inputs.scopes[0]).toMatch(/cognitiveservices:Account/)
    expect(openAi.inputs.criteria.allOf[0]).toMatchObject({
      metricName: 'AzureOpenAIRequests',
      operator: 'GreaterThan',
      threshold: 10,
      timeAggregation: 'Total',
      dimensions: [
        expect.objectContaining({ name: 'StatusCode', values: expect.arrayContaining(['429', '500']) }),
      ],
    })
    for (const rule of [rate, latency])
      expect(rule.actions.actionGroups).toEqual([expect.stringMatching(/ActionGroup/)])
    expect(openAi.inputs.actions).toEqual([{ actionGroupId: expect.stringMatching(/ActionGroup/) }])
  })
})
