// "Export my data" from the account menu: the archive is written by the job queue into
// Blob Storage (Azurite) and downloaded through the app, holding this person's data.
import { readFile } from 'node:fs/promises'
import { expect, test } from '@playwright/test'
import { EXPORT_FORMAT_VERSION } from '#server/services/exports/format.ts'
import { readZip } from '../support/zip.ts'
import { demoAccount } from './support.ts'
import { openAccountMenu, signInToWorkspace } from './workspace-support.ts'

test('a clinician exports their data and downloads the archive', async ({ page }) => {
  const account = demoAccount(0, 'therapist', 1)
  await signInToWorkspace(page, account)

  await openAccountMenu(page)
  await page.getByRole('menuitem', { name: 'Export my data…' }).click()
  const dialog = page.getByRole('dialog', { name: 'Export my data' })
  await expect(dialog).toBeVisible()
  await dialog.getByRole('button', { name: 'Create an export' }).click()

  const download = dialog.getByRole('link', { name: 'Download' })
  await expect(download).toBeVisible({ timeout: 30_000 })
  await expect(dialog.locator('li[data-export-status="done"]')).toContainText('downloadable until')
  const [file] = await Promise.all([page.waitForEvent('download'), download.click()])
  expect(file.suggestedFilename()).toMatch(/^clinai-export-\d{4}-\d{2}-\d{2}\.zip$/)
  const entries = await readZip(await readFile((await file.path())!))
  const document = JSON.parse(entries.get('clinai-export.json')!) as {
    format: string
    version: number
    people: Array<{
      email: string
      conversations: Array<{ markdownFile: string }>
      notes: Array<{ markdownFile: string }>
    }>
  }
  expect(document).toMatchObject({ format: 'clinai-export', version: EXPORT_FORMAT_VERSION })
  expect(document.people.map((person) => person.email)).toEqual([account.email])
  for (const item of [...document.people[0]!.conversations, ...document.people[0]!.notes]) {
    expect(entries.has(item.markdownFile)).toBe(true)
  }
})
