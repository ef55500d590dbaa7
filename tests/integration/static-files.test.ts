// Static files are served from their own paths only (/build/… and the public folder's top-level
// files): an API request or a page never looks at the disk first.
import fs from 'node:fs'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { StartedApp } from '#server/main.ts'
import { startTestApp } from '#tests/support/app-server.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'

let testDb: TestDatabase
let app: StartedApp
const looked: string[] = []
const stat = fs.stat

beforeAll(async () => {
  testDb = await createTestDatabase()
  app = await startTestApp({ DATABASE_URL: testDb.appUrl })
  // express.static (send) stats the file it is asked for: count those looks.
  fs.stat = ((file: fs.PathLike, ...rest: unknown[]) => {
    looked.push(String(file))
    return (stat as (...args: unknown[]) => void)(file, ...rest)
  }) as typeof fs.stat
})

afterAll(async () => {
  fs.stat = stat
  await app?.close()
  await testDb?.drop()
})

it('answers the API, pages and unknown paths without looking at the disk', async () => {
  looked.length = 0
  for (const path of ['/api/trpc/me.get', '/app', '/health', '/favicon.svg.map', '/nothing-here.js']) {
    await (await fetch(`${app.url}${path}`)).arrayBuffer()
  }
  expect(looked).toEqual([])
})

it('serves the public folder’s own files and the client build', async () => {
  looked.length = 0
  const favicon = await fetch(`${app.url}/favicon.svg`)
  expect([favicon.status, favicon.headers.get('content-type')]).toEqual([200, 'image/svg+xml'])
  expect(looked.some((file) => file.endsWith('favicon.svg'))).toBe(true)
  const missing = await fetch(`${app.url}/build/does-not-exist.js`)
  expect(missing.status).toBe(404)
})
