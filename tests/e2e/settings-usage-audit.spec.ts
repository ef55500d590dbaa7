// The settings area's usage dashboard and audit trail, as the Klinik Südhang admin:
// the chart and its table agree with the CSV download; the trail filters, downloads
// and shows its chain verified. A therapist is refused. axe finds no serious problems
// in light or dark, no CSP violation appears, and screenshots at desktop and phone
// width are attached to the report.
import { readFile } from 'node:fs/promises'
import { expect, test, type Page } from '@playwright/test'
import { demoAccount } from './support.ts'
import { signInToWorkspace, waitForHydration, watchCsp } from './workspace-support.ts'
import { expectNoSeriousViolations } from './axe.ts'

const admin = demoAccount(1, 'admin', 0)
const therapist = demoAccount(1, 'therapist', 1)

/** Reads a CSV download (BOM, CRLF, no quoted line breaks in these files) into rows of cells. */
async function downloadCsv(page: Page, link: string): Promise<{ name: string; rows: string[][] }> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: link }).click(),
  ])
  const text = await readFile((await download.path())!, 'utf8')
  expect(text.startsWith('\ufeff')).toBe(true)
  const rows = text
    .slice(1)
    .split('\r\n')
    .filter(Boolean)
    .map((line) => line.split(','))
  return { name: download.suggestedFilename(), rows }
}

/** "6,300" as 6300. */
const count = (text: string | null) => Number((text ?? '').replace(/[^\d]/g, ''))

test('the admin reads the usage chart and tables, and the CSV has the same figures', async ({ page }) => {
  const violations = await watchCsp(page)
  await signInToWorkspace(page, admin)
  await page.goto('/app/settings/usage')
  await waitForHydration(page)
  await expect(page.getByRole('heading', { level: 1, name: 'Usage' })).toBeVisible()
  const month = await page.getByLabel('Month').inputValue()
  expect(month).toMatch(/^\d{4}-\d{2}$/)

  // The chart draws bars (recharts' SVG), and describes itself for screen readers.
  const chart = page.getByTestId('usage-chart')
  await expect(chart).toHaveAttribute('aria-label', /Tokens per day in .* as bars/)
  await expect(chart.locator('.recharts-bar-rectangle path').first()).toBeVisible()

  const totalTokens = count(await page.getByTestId('usage-total-tokens').textContent())
  expect(totalTokens).toBeGreaterThan(0)
  const people = page.getByTestId('usage-people')
  await expect(people.locator('tbody tr').first()).toBeVisible()
  await expect(people.locator('tfoot')).toContainText(new Intl.NumberFormat('en-GB').format(totalTokens))
  await expect(page.getByTestId('usage-models').locator('tbody')).toContainText('gpt-4o-mini')

  // The per-day table is the chart's alternative: open it, it adds up to the total.
  await page.locator('summary', { hasText: 'The figures per day as a table' }).click()
  const days = page.getByTestId('usage-days')
  await expect(days.locator('tbody tr').first()).toBeVisible()
  const dayTokens = await days.locator('tbody tr td:nth-child(5)').allTextContents()
  expect(dayTokens.reduce((sum, cell) => sum + count(cell), 0)).toBe(totalTokens)

  const csv = await downloadCsv(page, 'Download CSV')
  expect(csv.name).toBe(`clinai-usage-${month}.csv`)
  expect(csv.rows[0]).toEqual([
    'day',
    'user_id',
    'name',
    'model',
    'requests',
    'prompt_tokens',
    'completion_tokens',
    'estimated_tokens',
    'tokens',
  ])
  expect(csv.rows.slice(1).reduce((sum, row) => sum + Number(row[8]), 0)).toBe(totalTokens)
  expect(csv.rows.slice(1).every((row) => row[0]!.startsWith(month))).toBe(true)
  // One table row per person in the CSV, by name.
  const names = new Set(csv.rows.slice(1).map((row) => row[2]))
  await expect(people.locator('tbody tr')).toHaveCount(names.size)
  for (const name of names) await expect(people.locator('tbody')).toContainText(name!)

  // An earlier month is one click away and counts nothing of this one.
  await page.getByRole('link', { name: 'Previous month' }).click()
  await expect(page).toHaveURL(/month=\d{4}-\d{2}/)
  await expect(page.getByLabel('Month')).not.toHaveValue(month)

  // The CSV answers only with an admin session and is never cached.
  const response = await page.request.get(`/app/settings/usage.csv?month=${month}`)
  expect(response.headers()['cache-control']).toBe('no-store')
  expect(response.headers()['content-disposition']).toMatch(/^attachment;/)
  expect(await violations()).toEqual([])
})

test('the admin filters the audit trail, sees its chain verified and downloads it', async ({ page }) => {
  const violations = await watchCsp(page)
  await signInToWorkspace(page, admin)
  await page.goto('/app/settings/audit')
  await waitForHydration(page)
  await expect(page.getByRole('heading', { level: 1, name: 'Audit trail' })).toBeVisible()
  await expect(page.getByTestId('audit-verification')).toHaveText(
    /The trail is intact: verified up to event \d+\./,
  )

  const events = page.getByTestId('audit-events')
  await expect(events.locator('tbody tr').first()).toBeVisible()
  // Newest first.
  const seqs = await events
    .locator('tbody tr')
    .evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-seq'))))
  expect(seqs).toEqual([...seqs].sort((a, b) => b - a))

  await page.getByLabel('Person').selectOption({ label: admin.name })
  await page.getByLabel('Action').selectOption('auth.signed_in')
  // Today in the clinics' time zone, the one the date filter counts days in.
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date())
  await page.getByLabel('From').fill(today)
  await page.getByLabel('To').fill(today)
  await page.getByRole('button', { name: 'Apply' }).click()
  await expect(page).toHaveURL(/action=auth\.signed_in/)
  await expect(events.locator('tbody tr').first()).toBeVisible()
  for (const row of await events.locator('tbody tr').all()) {
    await expect(row).toContainText('auth.signed_in')
    await expect(row).toContainText(admin.name)
  }
  const shown = await events.locator('tbody tr').count()

  const csv = await downloadCsv(page, 'Download CSV')
  expect(csv.name).toMatch(/^clinai-audit-\d{4}-\d{2}-\d{2}\.csv$/)
  expect(csv.rows[0]!.slice(0, 5)).toEqual(['seq', 'created_at', 'actor_user_id', 'actor_name', 'action'])
  expect(csv.rows.length - 1).toBe(shown)
  expect(csv.rows.slice(1).every((row) => row[4] === 'auth.signed_in' && row[3] === admin.name)).toBe(true)

  // Nothing in the area links to anyone's conversations.
  expect(await page.locator('main a[href*="/app/c/"]').count()).toBe(0)
  expect(await violations()).toEqual([])
})

test('a therapist is refused the settings area and its downloads', async ({ page }) => {
  await signInToWorkspace(page, therapist)
  const response = await page.goto('/app/settings/usage')
  expect(response?.status()).toBe(403)
  await expect(page.getByRole('heading', { name: 'For admins only' })).toBeVisible()
  await expect(page.getByTestId('usage-chart')).toHaveCount(0)
  expect((await page.goto('/app/settings/audit'))?.status()).toBe(403)
  for (const path of ['/app/settings/usage.csv', '/app/settings/audit.csv']) {
    const download = await page.request.get(path)
    expect(download.status(), path).toBe(403)
    expect(await download.text()).not.toContain(',')
  }
})

for (const colorScheme of ['light', 'dark'] as const) {
  test(`the usage and audit pages pass axe in ${colorScheme}, with screenshots at desktop and phone width`, async ({
    page,
  }, testInfo) => {
    await page.emulateMedia({ colorScheme })
    await signInToWorkspace(page, admin)
    for (const [name, path] of [
      ['usage', '/app/settings/usage'],
      ['audit', '/app/settings/audit'],
    ] as const) {
      for (const [device, viewport] of [
        ['desktop', { width: 1280, height: 800 }],
        ['phone', { width: 390, height: 844 }],
      ] as const) {
        await page.setViewportSize(viewport)
        await page.goto(path)
        await waitForHydration(page)
        if (name === 'usage') {
          await expect(
            page.getByTestId('usage-chart').locator('.recharts-bar-rectangle path').first(),
          ).toBeVisible()
          await page.locator('summary', { hasText: 'The figures per day as a table' }).click()
        }
        await expectNoSeriousViolations(page, testInfo, `${name}-${device}-${colorScheme}`)
        const shot = `settings-${name}-${device}-${colorScheme}`
        const file = testInfo.outputPath(`${shot}.png`)
        await page.screenshot({ path: file, fullPage: true })
        await testInfo.attach(shot, { path: file, contentType: 'image/png' })
      }
    }
  })
}
