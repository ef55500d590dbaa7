// Shared helpers for the browser tests: the stand-in ports, signing in with a session
// made directly (a session row and its signed cookie, as the Epic Stack's login fixture
// does) and, for the tests whose subject is sign-in, through the provider's own pages.
import { expect, type Page } from '@playwright/test'
import { connectOwner } from '#db/client.ts'
import { demoClinics, type DemoAccount } from '#infra/local/demo-accounts.ts'
import { identityProviderText } from '#infra/local/identity-provider.ts'
import { createSession } from '#server/auth/sessions.ts'
import { loadConfig, localDefaults } from '#server/config/env.ts'

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

/** The local stack's database as its owner, for fixtures the API cannot set up. */
export function ownerDatabase() {
  return connectOwner(
    `postgres://clinai_owner:${encodeURIComponent(localDefaults.ownerRolePassword)}@localhost:${
      process.env.E2E_PG_PORT ?? 54339
    }/${localDefaults.databaseName}`,
  )
}

/**
 * A session for a demo account, made as sign-in makes it (a row in `sessions`, a cookie
 * signed with the local stack's session secret), set in the page's browser context.
 */
export async function createSignedInSession(page: Page, account: DemoAccount) {
  const clinic = demoClinics.find((each) => each.accounts.some((one) => one.userId === account.userId))!
  // The same settings the local stack runs with (no SESSION_SECRET: the local one).
  const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'silent' })
  const owner = ownerDatabase()
  try {
    const { setCookie } = await owner.db.transaction((tx) =>
      createSession(tx, config, { tenantId: clinic.tenantId, userId: account.userId }),
    )
    const [pair] = setCookie.split(';')
    const at = pair!.indexOf('=')
    await page.context().addCookies([
      {
        name: pair!.slice(0, at),
        value: pair!.slice(at + 1),
        url: new URL(page.url().startsWith('http') ? page.url() : baseUrl()).origin,
        httpOnly: true,
        sameSite: 'Lax',
      },
    ])
  } finally {
    await owner.close()
  }
}

function baseUrl() {
  return `http://localhost:${process.env.E2E_PORT ?? 3100}`
}

/** Signs in through the bundled provider's own pages, as a person would. */
export async function signInThroughProvider(page: Page, account: DemoAccount) {
  await page.goto('/app')
  await expect(page).toHaveURL(providerInteraction)
  await fillProviderSignIn(page, account.email, account.password)
  await expect(page).toHaveURL(/\/app(\/|$|\?)/)
}

/**
 * Signs in with a session made directly (sign-in itself is tested in sign-in.spec.ts and
 * security.spec.ts) and opens the workspace, in English unless told otherwise (the demo
 * clinics speak German by default; tests that assert on text pick one).
 */
export async function signIn(
  page: Page,
  account: DemoAccount,
  options: { locale?: 'de' | 'en' | null } = {},
) {
  await createSignedInSession(page, account)
  await page.goto('/app')
  await expect(page).toHaveURL(/\/app(\/|$|\?)/)
  const locale = options.locale === undefined ? 'en' : options.locale
  const wanted = locale ?? 'de'
  await setLocale(page, locale)
  if ((await page.locator('html').getAttribute('lang')) !== wanted) await page.reload()
  await expect(page.locator('html')).toHaveAttribute('lang', wanted)
}
