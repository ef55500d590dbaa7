import { expect, test } from '@playwright/test'

test('the home page renders in Chromium and reports the database ready', async ({ page }) => {
  await page.goto('/')
  await expect(page).toHaveTitle(/ClinAI/)
  await expect(page.getByRole('heading', { level: 1, name: 'ClinAI' })).toBeVisible()
  await expect(page.getByText('Ready: the database is reachable.')).toBeVisible()
})

test('health and readiness answer as JSON', async ({ request }) => {
  const health = await request.get('/health')
  expect(health.status()).toBe(200)
  expect(await health.json()).toEqual({ status: 'ok' })
  const ready = await request.get('/ready')
  expect(ready.status()).toBe(200)
  expect(await ready.json()).toMatchObject({ status: 'ready' })
})
