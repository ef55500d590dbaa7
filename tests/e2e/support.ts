// Shared helpers for the browser tests: the stand-in ports and signing in through
// the bundled identity provider's own pages.
import { expect, type Page } from '@playwright/test'
import { demoClinics, type DemoAccount } from '#infra/local/demo-accounts.ts'

export const oidcPort = Number(process.env.E2E_OIDC_PORT ?? 5576)

/** The provider's sign-in page, as a URL pattern. */
export const providerInteraction = new RegExp(`localhost:${oidcPort}/interaction/`)

export function demoAccount(clinicIndex: number, role: DemoAccount['role'], nth = 0): DemoAccount {
  const accounts = demoClinics[clinicIndex]!.accounts.filter((account) => account.role === role)
  return accounts[nth]!
}

export async function fillProviderSignIn(page: Page, email: string, password: string) {
  await expect(
    page.getByRole('heading', { name: 'Sign in to ClinAI (local identity provider)' }),
  ).toBeVisible()
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

/** Signs in through the real provider pages and waits for the workspace. */
export async function signIn(page: Page, account: DemoAccount) {
  await page.goto('/app')
  await expect(page).toHaveURL(providerInteraction)
  await fillProviderSignIn(page, account.email, account.password)
  await expect(page).toHaveURL(/\/app(\/|$|\?)/)
}
