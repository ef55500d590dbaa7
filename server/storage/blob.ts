// Blob Storage for exports and attachments: one container, reached with the managed
// identity when only the account URL is configured, or with the key or SAS inside a
// connection string (Azurite, other setups).
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity'
import { BlobServiceClient, type ContainerClient, type StoragePipelineOptions } from '@azure/storage-blob'
import type { StorageConfig } from '#server/config/env.ts'

export interface BlobStorage {
  service: BlobServiceClient
  container: ContainerClient
  /** How requests are signed: `identity` (Entra ID tokens) or `connection-string` (key or SAS). */
  auth: 'identity' | 'connection-string'
}

export interface BlobStorageOptions {
  /** For an account URL; DefaultAzureCredential when not given. */
  credential?: TokenCredential
  pipeline?: StoragePipelineOptions
}

/** The configured container, or undefined when no Blob account is configured. */
export function createBlobStorage(
  config: StorageConfig,
  options: BlobStorageOptions = {},
): BlobStorage | undefined {
  let service: BlobServiceClient
  let auth: BlobStorage['auth']
  if (config.connectionString !== undefined) {
    service = BlobServiceClient.fromConnectionString(config.connectionString, options.pipeline)
    auth = 'connection-string'
  } else if (config.accountUrl !== undefined) {
    service = new BlobServiceClient(
      config.accountUrl,
      options.credential ?? new DefaultAzureCredential(),
      options.pipeline,
    )
    auth = 'identity'
  } else {
    return undefined
  }
  return { service, container: service.getContainerClient(config.container), auth }
}
