// The real sign-in in a real browser: our app, the bundled OIDC provider, back again.
import { expect, test } from '@playwright/test'
import { demoClinics } from '#infra/local/demo-accounts.ts'
import { fillProviderSignIn as signInAtProvider, providerInteraction, setLocale } from './support.ts'
import { openAccountMenu } from './workspace-support.ts'

const clinic = demoClinics[0]!
const therapist = clinic.accounts.find((account) => account.role === 'therapist')!

test('a therapist signs in through the provider and signs out for good', async ({ page, browser }) => {
  await page.goto('/app')
  // A protected page sends us to the identity provider.
  await expect(page).toHaveURL(providerInteraction)

  await signInAtProvider(page, therapist.email, 'wrong password')
  await expect(page.getByRole('alert')).toHaveText('Email or password is incorrect.')

  await signInAtProvider(page, therapist.email, therapist.password)
  await expect(page).toHaveURL(/\/app$/)
  await setLocale(page, 'en')
  await page.reload()
  // Who is signed in shows in the account menu.
  await openAccountMenu(page)
  await expect(page.getByTestId('whoami')).toContainText(therapist.name)
  await expect(page.getByTestId('clinic')).toHaveText(clinic.name)
  await expect(page.getByTestId('role')).toHaveText('therapist')

  const cookies = await page.context().cookies()
  expect(cookies.find((cookie) => cookie.name === 'clinai_session')?.httpOnly).toBe(true)

  await page.getByRole('menuitem', { name: 'Sign out' }).click()
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible()

  // The cookie from before sign-out opens nothing any more.
  const replay = await browser.newContext()
  await replay.addCookies(cookies)
  const replayPage = await replay.newPage()
  await replayPage.goto('/app')
  await expect(replayPage).toHaveURL(providerInteraction)
  await replay.close()
})

test('an admin of the other clinic lands in their own clinic', async ({ page }) => {
  const other = demoClinics[1]!
  const admin = other.accounts.find((account) => account.role === 'admin')!
  await page.goto('/')
  await page.getByRole('link', { name: 'Sign in' }).click()
  await signInAtProvider(page, admin.email, admin.password)
  await expect(page).toHaveURL(/\/app$/)
  await setLocale(page, 'en')
  await page.reload()
  await openAccountMenu(page)
  await expect(page.getByTestId('clinic')).toHaveText(other.name)
  await expect(page.getByTestId('role')).toHaveText('admin')
})
