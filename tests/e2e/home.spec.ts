import { expect, test } from '@playwright/test'

test('the home page is the front door: what ClinAI is, and sign in', async ({ page }) => {
  await page.goto('/')
  await expect(page).toHaveTitle(/ClinAI/)
  await expect(
    page.getByRole('heading', { level: 1, name: 'The AI assistant for your clinic' }),
  ).toBeVisible()
  await expect(page.getByRole('link', { name: 'Sign in' })).toHaveAttribute(
    'href',
    '/auth/sign-in?returnTo=%2Fapp',
  )
  // No developer's status card on the front door.
  await expect(page.getByText(/database/i)).toHaveCount(0)
})

test('health and readiness answer as JSON', async ({ request }) => {
  const health = await request.get('/health')
  expect(health.status()).toBe(200)
  expect(await health.json()).toEqual({ status: 'ok' })
  const ready = await request.get('/ready')
  expect(ready.status()).toBe(200)
  expect(await ready.json()).toMatchObject({ status: 'ready' })
})
