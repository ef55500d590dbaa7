// Azurite, the Azure Storage emulator (npm `azurite`), as the local stand-in for Blob
// Storage: its blob service only, in a child process on its own port, with the well-known
// development account. Data under `location`, or in memory for tests.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdir } from 'node:fs/promises'
import { createRequire } from 'node:module'
import net from 'node:net'
import path from 'node:path'

/** Azurite's published development account (not a secret: it is the same everywhere). */
export const AZURITE_ACCOUNT = 'devstoreaccount1'
export const AZURITE_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

export interface LocalAzurite {
  port: number
  /** For AZURE_STORAGE_CONNECTION_STRING. */
  connectionString: string
  stop(): Promise<void>
}

export interface LocalAzuriteOptions {
  port: number
  /** A folder for the blobs and metadata; without it everything stays in memory. */
  location?: string
  host?: string
}

export async function startLocalAzurite(options: LocalAzuriteOptions): Promise<LocalAzurite> {
  const host = options.host ?? '127.0.0.1'
  const require = createRequire(import.meta.url)
  const main = path.join(path.dirname(require.resolve('azurite/package.json')), 'dist/src/blob/main.js')
  const args = [
    main,
    '--blobHost',
    host,
    '--blobPort',
    String(options.port),
    '--skipApiVersionCheck',
    '--loose',
    '--silent',
  ]
  if (options.location) {
    await mkdir(options.location, { recursive: true })
    args.push('--location', options.location)
  } else {
    args.push('--inMemoryPersistence')
  }
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000)
  })
  await waitForPort(host, options.port, child, () => stderr)
  return {
    port: options.port,
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};` +
      `BlobEndpoint=http://${host}:${options.port}/${AZURITE_ACCOUNT};`,
    stop: () => stopChild(child),
  }
}

async function waitForPort(host: string, port: number, child: ChildProcess, stderr: () => string) {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Azurite exited (${child.exitCode}): ${stderr()}`)
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host, port }, () => {
        socket.end()
        resolve(true)
      })
      socket.on('error', () => resolve(false))
    })
    if (open) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  child.kill('SIGKILL')
  throw new Error(`Azurite did not listen on ${host}:${port} within 30 s: ${stderr()}`)
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
    child.kill('SIGTERM')
  })
}
