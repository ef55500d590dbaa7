// Blob Storage for a test file: the run's Azurite (global-setup.ts) and a container of
// the file's own, so files running side by side never see each other's blobs.
import { inject } from 'vitest'
import { createBlobStorage, type BlobStorage } from '#server/storage/blob.ts'
import type { TestDatabase } from './database.ts'

export function storageEnv(testDb: TestDatabase): Record<string, string> {
  return {
    AZURE_STORAGE_CONNECTION_STRING: inject('azurite'),
    AZURE_STORAGE_CONTAINER: testDb.name.replaceAll('_', '-'),
  }
}

export function testStorage(testDb: TestDatabase): BlobStorage {
  const env = storageEnv(testDb)
  return createBlobStorage({
    connectionString: env.AZURE_STORAGE_CONNECTION_STRING,
    accountUrl: undefined,
    container: env.AZURE_STORAGE_CONTAINER!,
  })!
}
