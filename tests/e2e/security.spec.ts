// The browser's side of the hardening: the Content-Security-Policy is there and no
// page of ours breaks it (Chromium reports every violation), and a hostile return
// path after the real sign-in ends on our own site.
import { expect, test } from '@playwright/test'
import { demoAccount, fillProviderSignIn, providerInteraction } from './support.ts'
import { openAccountMenu, signInToWorkspace, waitForHydration, watchCsp } from './workspace-support.ts'

const account = demoAccount(0, 'therapist', 1)

test('no page of ours breaks its Content-Security-Policy', async ({ page }) => {
  const violations = await watchCsp(page)
  const csp: string[] = []
  page.on('response', (response) => {
    const url = new URL(response.url())
    if (
      url.port === new URL(page.url() || 'http://localhost').port &&
      response.request().resourceType() === 'document'
    ) {
      csp.push(response.headers()['content-security-policy'] ?? '')
    }
  })

  await page.goto('/')
  await waitForHydration(page)
  expect(await violations()).toEqual([])

  await signInToWorkspace(page, account)
  expect(await violations()).toEqual([])

  // A conversation with an answer streamed over fetch (connect-src), then search and the account menu.
  const created = await page.request.post('/api/trpc/conversations.create', { data: {} })
  const { id } = ((await created.json()) as { result: { data: { id: string } } }).result.data
  await page.goto(`/app/c/${id}`)
  await waitForHydration(page)
  const composer = page.locator('textarea').first()
  await composer.fill('Wie beginne ich ein Erstgespräch?')
  await composer.press('Enter')
  await expect(page.locator('[data-testid="message"][data-role="assistant"]').last()).toHaveAttribute(
    'data-status',
    'complete',
    { timeout: 30_000 },
  )
  expect(await violations()).toEqual([])

  await page.goto('/app/search?q=Therapie')
  await waitForHydration(page)
  await openAccountMenu(page)
  expect(await violations()).toEqual([])

  const ours = csp.filter(Boolean)
  expect(ours.length).toBeGreaterThan(2)
  for (const policy of ours) expect(policy).toMatch(/script-src 'self' 'nonce-[^']+'/)
})

test('a return path with a tab in it ends on our own site after the real sign-in', async ({
  page,
  baseURL,
}) => {
  await page.goto('/auth/sign-in?returnTo=%2F%09%2Fevil.example%2F')
  await expect(page).toHaveURL(providerInteraction)
  await fillProviderSignIn(page, account.email, account.password)
  await page.waitForURL((url) => !providerInteraction.test(url.href))
  expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin)
  await expect(page).toHaveURL(/\/app$/)
})
