// How the Blob client signs: Entra ID tokens for an account URL (managed identity),
// the account key for a connection string. Checked against a local stand-in that
// records the Authorization header, never against Azure.
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity'
import type { IHttpClient } from '@azure/storage-blob'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { loadConfig } from '#server/config/env.ts'
import { startRecordingServer, type RecordingServer } from '#tests/support/recording-server.ts'
import { createBlobStorage } from './blob.ts'

// Azurite's well-known development account.
const DEV_ACCOUNT = 'devstoreaccount1'
const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

let blob: RecordingServer

beforeAll(async () => {
  blob = await startRecordingServer((_request, res) => {
    res.writeHead(200, { 'content-length': '0', 'x-ms-version': '2025-01-05' }).end()
  })
})
afterAll(() => blob?.close())
afterEach(() => {
  blob.requests.length = 0
})

describe('createBlobStorage', () => {
  it('is off when no Blob account is configured', () => {
    expect(createBlobStorage(loadConfig({}).storage)).toBeUndefined()
  })

  it('signs with the account key from a connection string (Azurite and other setups)', async () => {
    const credential = { getToken: vi.fn() } satisfies TokenCredential
    const config = loadConfig({
      AZURE_STORAGE_CONNECTION_STRING: `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};BlobEndpoint=${blob.url}/${DEV_ACCOUNT};`,
      AZURE_STORAGE_CONTAINER: 'exports',
    })
    const storage = createBlobStorage(config.storage, { credential })!
    expect(storage.auth).toBe('connection-string')
    await storage.container.exists()
    expect(blob.requests[0]!.url).toMatch(new RegExp(`^/${DEV_ACCOUNT}/exports\\?restype=container`))
    expect(blob.requests[0]!.headers.authorization).toMatch(new RegExp(`^SharedKey ${DEV_ACCOUNT}:`))
    expect(credential.getToken).not.toHaveBeenCalled()
  })

  it('asks the credential for a Storage token when only the account URL is configured', async () => {
    const credential = {
      getToken: vi.fn(async () => ({
        token: 'token-for-storage',
        expiresOnTimestamp: Date.now() + 3_600_000,
      })),
    } satisfies TokenCredential
    // Bearer tokens travel over HTTPS only, so this stand-in sits in the pipeline, not on a port.
    const sent: Array<{ url: string; authorization: string | undefined }> = []
    const httpClient: IHttpClient = {
      async sendRequest(request) {
        sent.push({ url: request.url, authorization: request.headers.get('authorization') })
        return { request, status: 200, headers: request.headers.clone() }
      },
    }
    const config = loadConfig({ AZURE_STORAGE_ACCOUNT_URL: 'https://clinai.blob.core.windows.net/' })
    const storage = createBlobStorage(config.storage, { credential, pipeline: { httpClient } })!
    expect(storage.auth).toBe('identity')
    expect(await storage.container.exists()).toBe(true)
    expect(sent).toEqual([
      {
        url: expect.stringMatching(
          /^https:\/\/clinai\.blob\.core\.windows\.net\/clinai-files\?restype=container/,
        ),
        authorization: 'Bearer token-for-storage',
      },
    ])
    expect(credential.getToken).toHaveBeenCalledWith(
      ['https://storage.azure.com/.default'],
      expect.anything(),
    )
  })

  it('uses DefaultAzureCredential when no credential is given', () => {
    const config = loadConfig({ AZURE_STORAGE_ACCOUNT_URL: 'https://clinai.blob.core.windows.net' })
    const storage = createBlobStorage(config.storage)!
    expect(storage.service.credential).toBeInstanceOf(DefaultAzureCredential)
  })
})
