// The Pulumi program (`pulumi up` in this folder): the stack's configuration over
// the defaults in parameters.ts, then the resources in clinai.ts.
import * as pulumi from '@pulumi/pulumi'
import { createClinai } from './clinai'
import { readParameters } from './parameters'

const { parameters, secrets } = readParameters(new pulumi.Config('clinai'))
const outputs = createClinai(parameters, secrets)

export const resourceGroupName = outputs.resourceGroupName
export const webAppName = outputs.webAppName
export const webAppUrl = outputs.webAppUrl
export const stagingUrl = outputs.stagingUrl
export const postgresHost = outputs.postgresHost
export const keyVaultName = outputs.keyVaultName
export const openAiEndpoint = outputs.openAiEndpoint
export const storageBlobUrl = outputs.storageBlobUrl
