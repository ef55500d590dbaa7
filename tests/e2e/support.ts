// Shared helpers for the browser tests: the stand-in ports and signing in through
// the bundled identity provider's own pages.
import { expect, type Page } from '@playwright/test'
import { demoClinics, type DemoAccount } from '#infra/local/demo-accounts.ts'
import { identityProviderText } from '#infra/local/identity-provider.ts'

export const oidcPort = Number(process.env.E2E_OIDC_PORT ?? 5576)

/** The provider's sign-in page, as a URL pattern. */
export const providerInteraction = new RegExp(`localhost:${oidcPort}/interaction/`)

export function demoAccount(clinicIndex: number, role: DemoAccount['role'], nth = 0): DemoAccount {
  const accounts = demoClinics[clinicIndex]!.accounts.filter((account) => account.role === role)
  return accounts[nth]!
}

/** The provider's sign-in page speaks the browser's language (Accept-Language). */
export async function fillProviderSignIn(page: Page, email: string, password: string) {
  const lang = (await page.locator('html').getAttribute('lang')) === 'de' ? 'de' : 'en'
  const text = identityProviderText[lang]
  await expect(page.getByRole('heading', { name: text.title })).toBeVisible()
  await page.getByLabel(text.email).fill(email)
  await page.getByLabel(text.password).fill(password)
  await page.getByRole('button', { name: text.submit }).click()
}

/** Stores the signed-in person's language, as the account menu does (null: the clinic's default). */
export async function setLocale(page: Page, locale: 'de' | 'en' | null) {
  const response = await page.request.post('/api/trpc/me.updatePreferences', { data: { locale } })
  expect(response.status()).toBe(200)
}

/**
 * Signs in through the real provider pages and waits for the workspace, in English unless
 * told otherwise (the demo clinics speak German by default; tests that assert on text pick one).
 */
export async function signIn(
  page: Page,
  account: DemoAccount,
  options: { locale?: 'de' | 'en' | null } = {},
) {
  await page.goto('/app')
  await expect(page).toHaveURL(providerInteraction)
  await fillProviderSignIn(page, account.email, account.password)
  await expect(page).toHaveURL(/\/app(\/|$|\?)/)
  const locale = options.locale === undefined ? 'en' : options.locale
  const wanted = locale ?? 'de'
  await setLocale(page, locale)
  if ((await page.locator('html').getAttribute('lang')) !== wanted) await page.reload()
  await expect(page.locator('html')).toHaveAttribute('lang', wanted)
}
