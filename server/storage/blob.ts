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

// One private container; every blob of a clinic sits under its prefix, and every blob of a
// person under theirs, so erasure and offboarding delete by prefix.
export const clinicPrefix = (tenantId: string) => `${tenantId}/`
export const personPrefix = (tenantId: string, userId: string) => `${tenantId}/users/${userId}/`
export const exportBlobName = (tenantId: string, userId: string, exportId: string) =>
  `${personPrefix(tenantId, userId)}exports/${exportId}.zip`

/** Creates the container if needed, private (no public access level is ever set). */
export async function ensureContainer(storage: BlobStorage): Promise<void> {
  await storage.container.createIfNotExists()
}

/** The names under a prefix: names only, no content is read. */
export async function listBlobNames(storage: BlobStorage, prefix: string): Promise<string[]> {
  const names: string[] = []
  if (!(await storage.container.exists())) return names
  for await (const blob of storage.container.listBlobsFlat({ prefix })) names.push(blob.name)
  return names
}

/** Deletes the named blobs (and their snapshots); a blob already gone counts as deleted. */
export async function deleteBlobs(storage: BlobStorage, names: string[]): Promise<void> {
  for (const name of names) {
    await storage.container.deleteBlob(name, { deleteSnapshots: 'include' }).catch((error: unknown) => {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error
    })
  }
}
