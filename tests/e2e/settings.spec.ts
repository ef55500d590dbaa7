// The settings area as a clinic's admin would use it: People (invite someone who then
// signs in through the provider and lands with the invited role, change a role, the last
// admin protected, disable a person and see their session and token refused), Clinic
// settings (model, prompt, budget and cap, each felt by the next chat), the budget banner;
// a therapist gets a 403 page. The pages pass axe in light and dark and are captured at
// desktop and phone width.
import { expect, test, type Page } from '@playwright/test'
import { and, eq } from 'drizzle-orm'
import { connectOwner } from '#db/client.ts'
import { auditEvents, tenants } from '#db/schema/index.ts'
import { demoClinics, newcomerAccounts, type DemoAccount } from '#infra/local/demo-accounts.ts'
import { localDefaults } from '#server/config/env.ts'
import { demoAccount, providerInteraction, setLocale, signIn, signInThroughProvider } from './support.ts'
import { openAccountMenu, signInToWorkspace, waitForHydration } from './workspace-support.ts'
import { expectNoSeriousViolations } from './axe.ts'

// Klinik Südhang's admin runs the People and Clinic tests (its therapists' chats are
// elsewhere); Nordlicht's admin the looks. Gero Gast is known to the provider only.
const dora = demoAccount(1, 'admin')
const anna = demoAccount(0, 'admin')
const clara = demoAccount(0, 'therapist', 1)
const gero = newcomerAccounts.find((account) => account.clinicIndex === 1)!
const suedhang = demoClinics[1]!.tenantId

test.describe.configure({ mode: 'serial' })

function ownerDatabase() {
  return connectOwner(
    `postgres://clinai_owner:${encodeURIComponent(localDefaults.ownerRolePassword)}@localhost:${
      process.env.E2E_PG_PORT ?? 54339
    }/${localDefaults.databaseName}`,
  )
}

async function openSettings(page: Page) {
  const menu = await openAccountMenu(page)
  await menu.getByRole('menuitem', { name: 'Settings' }).click()
  await expect(page).toHaveURL(/\/app\/settings\/people$/)
  await expect(page.getByRole('heading', { name: 'People', level: 2 })).toBeVisible()
  await waitForHydration(page)
}

/** The settings pages' confirmation after a step (the banner is a status too). */
async function expectNotice(page: Page, text: string) {
  await expect(page.getByRole('status').filter({ hasText: text })).toBeVisible()
}

function personRow(page: Page, email: string) {
  return page.locator(`li[data-person="${email}"]`)
}

async function api<T>(page: Page, path: string, input?: unknown): Promise<T> {
  const response =
    input === undefined
      ? await page.request.get(`/api/trpc/${path}`)
      : await page.request.post(`/api/trpc/${path}`, { data: input })
  expect(response.status(), path).toBe(200)
  return ((await response.json()) as { result: { data: T } }).result.data
}

// The demo admins start with no conversations of their own (workspace.spec.ts counts on it):
// what the chat checks below create is removed again.
const created: string[] = []

async function askInNewConversation(page: Page, question: string) {
  const { id } = await api<{ id: string }>(page, 'conversations.create', {})
  created.push(id)
  await page.goto(`/app/c/${id}`)
  await waitForHydration(page)
  const composer = page.getByRole('textbox', { name: 'Message', exact: true })
  await composer.fill(question)
  await composer.press('Enter')
  return id
}

async function lastAnswerStored(page: Page) {
  const answer = page.getByTestId('message').and(page.locator('[data-role="assistant"]')).last()
  await expect(answer).toHaveAttribute('data-status', 'complete', { timeout: 20_000 })
  await expect(answer).not.toHaveAttribute('data-live', 'true', { timeout: 20_000 })
  return answer
}

test('a therapist is refused the settings area with a 403 page', async ({ page }) => {
  await signInToWorkspace(page, clara)
  const menu = await openAccountMenu(page)
  await expect(menu.getByRole('menuitem', { name: 'Settings' })).toHaveCount(0)
  await page.keyboard.press('Escape')
  for (const path of ['/app/settings', '/app/settings/people', '/app/settings/clinic']) {
    const response = await page.goto(path)
    expect(response?.status(), path).toBe(403)
    await expect(page.getByRole('heading', { name: 'For admins only' })).toBeVisible()
    await expect(page.getByRole('link', { name: 'Back to conversations' })).toBeVisible()
  }
})

test('an invited person signs in through the provider and lands in the clinic with the invited role', async ({
  page,
  browser,
}) => {
  await signInToWorkspace(page, dora)
  await openSettings(page)
  // The list shows people, not conversations: no link into anyone's chat.
  await expect(page.locator('main a[href^="/app/c/"]')).toHaveCount(0)
  await expect(personRow(page, 'emil.engel@suedhang.example')).toContainText('Tokens this month')

  const invite = page.getByRole('region', { name: 'Invite a person' })
  await invite.getByLabel('Email address').fill(gero.email)
  await invite.getByLabel('Name').fill(gero.name)
  await invite.getByLabel('Role', { exact: true }).selectOption('admin')
  await invite.getByRole('button', { name: 'Invite' }).click()
  await expectNotice(page, `${gero.email} is invited.`)
  await expect(page.locator(`li[data-invitation="${gero.email}"]`)).toContainText('admin')

  // The same email twice is refused with a clear message.
  await invite.getByLabel('Email address').fill('emil.engel@suedhang.example')
  await invite.getByLabel('Name').fill('Emil again')
  await invite.getByRole('button', { name: 'Invite' }).click()
  await expect(page.getByRole('alert')).toHaveText(
    'Someone with this email address is already in your clinic.',
  )

  // Gero signs in for the first time: an admin, as invited (the provider's claim says therapist).
  const geroContext = await browser.newContext({ locale: 'en-US' })
  const geroPage = await geroContext.newPage()
  await signInAsNewcomer(geroPage, gero)
  await expect(geroPage.getByRole('button', { name: /^Account: / })).toContainText('Klinik Südhang')
  const menu = await openAccountMenu(geroPage)
  await expect(menu.getByTestId('role')).toHaveText('admin')
  await expect(menu.getByRole('menuitem', { name: 'Settings' })).toBeVisible()
  await geroContext.close()

  await page.reload()
  await expect(page.locator(`li[data-invitation="${gero.email}"]`)).toHaveCount(0)
  await expect(personRow(page, gero.email)).toContainText('active')
})

test('a role changes, and the last active admin stays protected', async ({ page }) => {
  await signInToWorkspace(page, dora)
  await page.goto('/app/settings/people')
  await waitForHydration(page)
  const geroRow = personRow(page, gero.email)
  await geroRow.getByLabel(`Role of ${gero.name}`).selectOption('therapist')
  await geroRow.getByRole('button', { name: 'Change role' }).click()
  await expectNotice(page, 'Role changed.')
  await expect(personRow(page, gero.email).getByLabel(`Role of ${gero.name}`)).toHaveValue('therapist')

  // Dora is now the only active admin: she cannot make herself a therapist.
  const doraRow = personRow(page, dora.email)
  await doraRow.getByLabel(`Role of ${dora.name}`).selectOption('therapist')
  await doraRow.getByRole('button', { name: 'Change role' }).click()
  await expect(page.getByRole('alert')).toHaveText(
    'Your clinic needs at least one active admin. Make someone else an admin first.',
  )
  await page.reload()
  await expect(personRow(page, dora.email).getByLabel(`Role of ${dora.name}`)).toHaveValue('admin')
})

test("disabling a person ends their open session and their token's next request", async ({
  page,
  browser,
  playwright,
}) => {
  const geroContext = await browser.newContext({ locale: 'en-US' })
  const geroPage = await geroContext.newPage()
  await signInAsNewcomer(geroPage, gero)
  const { token } = await api<{ token: string }>(geroPage, 'tokens.create', {
    name: 'Gero script',
    expiresInDays: 30,
  })
  const script = await playwright.request.newContext({
    baseURL: test.info().project.use.baseURL,
    extraHTTPHeaders: { authorization: `Bearer ${token}` },
  })
  expect((await script.get('/api/trpc/me.get')).status()).toBe(200)

  await signInToWorkspace(page, dora)
  await page.goto('/app/settings/people')
  await waitForHydration(page)
  await personRow(page, gero.email)
    .getByRole('button', { name: `Disable ${gero.name}` })
    .click()
  const confirm = page.getByRole('alertdialog', { name: `Disable ${gero.name}?` })
  await expect(confirm).toContainText('signed out at once')
  await confirm.getByRole('button', { name: 'Disable' }).click()
  await expectNotice(page, `${gero.name} is disabled and signed out.`)
  await expect(personRow(page, gero.email)).toContainText('disabled')

  // The open session is gone: the next page goes back to the provider.
  await geroPage.goto('/app')
  await expect(geroPage).toHaveURL(providerInteraction)
  expect((await script.get('/api/trpc/me.get')).status()).toBe(401)
  await script.dispose()
  await geroContext.close()

  // Enabling brings the person back, not the token.
  await personRow(page, gero.email)
    .getByRole('button', { name: `Enable ${gero.name}` })
    .click()
  await expectNotice(page, `${gero.name} is enabled again.`)
})

test('model, prompt, budget and cap take effect on the next chat; passing 80 % shows the banner', async ({
  page,
}) => {
  const owner = ownerDatabase()
  const [before] = await owner.db.select().from(tenants).where(eq(tenants.id, suedhang))
  try {
    await signInToWorkspace(page, dora)
    await page.goto('/app/settings/clinic')
    await waitForHydration(page)
    await expect(page.getByLabel('Model')).toHaveValue('')
    await page.getByText('Show the built-in prompt').click()
    await expect(page.getByTestId('built-in-prompt')).toContainText('You are ClinAI')

    // Out of bounds: the browser says so first; past it (no min attribute), the server refuses by field.
    const retention = page.getByLabel('Retention period (days)')
    await retention.fill('3')
    expect(await retention.evaluate((input: HTMLInputElement) => input.validity.rangeUnderflow)).toBe(true)
    await retention.evaluate((input) => input.removeAttribute('min'))
    await page.getByRole('button', { name: 'Save settings' }).click()
    // Shown once, beside the field; the form's alert points there.
    await expect(page.getByText('This number is too small.')).toHaveCount(1)
    await expect(
      page.getByRole('alert').filter({ hasText: 'Not saved: see the marked fields.' }),
    ).toBeVisible()

    await page.getByLabel('Retention period (days)').fill('30')
    await page.getByLabel('Model').selectOption('gpt-4o')
    await page.getByLabel('System prompt').fill('Antworte immer auf Deutsch.')
    await page.getByRole('button', { name: 'Save settings' }).click()
    await expectNotice(page, 'Saved.')
    await expect(page.getByLabel('Retention period (days)')).toHaveValue('30')

    // A question that reads as neither language: the clinic's prompt decides, and the model is the one chosen.
    const id = await askInNewConversation(page, 'Resilienz?')
    await expect(await lastAnswerStored(page)).toContainText('Dokumentation')
    const stored = await api<{ items: Array<{ role: string; model: string | null }> }>(
      page,
      `messages.list?input=${encodeURIComponent(JSON.stringify({ conversationId: id, limit: 10 }))}`,
    )
    expect(stored.items.find((message) => message.role === 'assistant')?.model).toBe('gpt-4o')

    // A budget the clinic has used 80 % of: the banner shows, and the next answer records the alert once.
    const usage = await api<{ clinicTokens: number }>(page, 'me.usage')
    const budget = Math.ceil(usage.clinicTokens * 1.2)
    await page.goto('/app/settings/clinic')
    await waitForHydration(page)
    await page.getByLabel('Monthly token budget').fill(String(budget))
    await page.getByRole('button', { name: 'Save settings' }).click()
    await expectNotice(page, 'Saved.')
    await page.reload()
    await expect(page.getByTestId('budget-banner')).toContainText('Your clinic has used 83')
    await askInNewConversation(page, 'Resilienz und Schlaf?')
    await lastAnswerStored(page)
    const alerts = await owner.db
      .select({ details: auditEvents.details })
      .from(auditEvents)
      .where(and(eq(auditEvents.tenantId, suedhang), eq(auditEvents.action, 'budget.threshold_reached')))
    expect(alerts.filter((alert) => alert.details?.threshold === 80)).toHaveLength(1)

    // A cap per person: Dora's next question is refused before any model call.
    await page.goto('/app/settings/clinic')
    await waitForHydration(page)
    await page.getByLabel('Monthly token budget').fill('2000000')
    await page.getByLabel('Monthly cap per person (tokens)').fill('1')
    await page.getByRole('button', { name: 'Save settings' }).click()
    await expectNotice(page, 'Saved.')
    await askInNewConversation(page, 'Noch eine Frage?')
    const refusal = page.getByTestId('refusal')
    await expect(refusal).toHaveAttribute('data-code', 'user_budget_exhausted')
    await expect(refusal).toContainText('Your monthly limit is reached')

    // The reset brings the built-in prompt back.
    await page.goto('/app/settings/clinic')
    await waitForHydration(page)
    await page.getByRole('button', { name: 'Reset to the built-in prompt' }).click()
    await expectNotice(page, 'Saved.')
    await expect(page.getByLabel('System prompt')).toHaveValue('')
    await expect(page.getByText('The built-in prompt is in use.')).toBeVisible()
  } finally {
    for (const conversationId of created.splice(0))
      await page.request.post('/api/trpc/conversations.delete', { data: { conversationId } })
    await owner.db
      .update(tenants)
      .set({
        modelDeployment: before!.modelDeployment,
        systemPrompt: before!.systemPrompt,
        monthlyTokenBudget: before!.monthlyTokenBudget,
        userMonthlyTokenCap: before!.userMonthlyTokenCap,
        retentionDays: before!.retentionDays,
      })
      .where(eq(tenants.id, suedhang))
    await owner.close()
  }
})

test('the forms work before JavaScript: invite and withdraw', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'en-US', javaScriptEnabled: false })
  const page = await context.newPage()
  await signIn(page, anna)
  await page.goto('/app/settings/people')
  const email = `no-script-${Date.now().toString(36)}@nordlicht.example`
  const invite = page.getByRole('region', { name: 'Invite a person' })
  await invite.getByLabel('Email address').fill(email)
  await invite.getByLabel('Name').fill('Norbert Noscript')
  await invite.getByRole('button', { name: 'Invite' }).click()
  await expectNotice(page, `${email} is invited.`)
  const pending = page.locator(`li[data-invitation="${email}"]`)
  await expect(pending).toContainText('therapist')
  await pending.getByRole('button', { name: 'Withdraw the invitation of Norbert Noscript' }).click()
  await expectNotice(page, 'Invitation withdrawn.')
  await expect(pending).toHaveCount(0)
  await context.close()
})

test('the settings pages pass axe in light and dark, at desktop and phone width', async ({
  page,
}, testInfo) => {
  await signInToWorkspace(page, anna)
  for (const [name, path] of [
    ['people', '/app/settings/people'],
    ['clinic', '/app/settings/clinic'],
  ] as const) {
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme })
      for (const [width, viewport] of [
        ['desktop', { width: 1280, height: 900 }],
        ['phone', { width: 390, height: 844 }],
      ] as const) {
        await page.setViewportSize(viewport)
        await page.goto(path)
        await waitForHydration(page)
        await expect(page.getByRole('navigation', { name: 'Settings' })).toBeVisible()
        await expectNoSeriousViolations(page, testInfo, `${name}-${colorScheme}-${width}`)
        await testInfo.attach(`settings-${name}-${colorScheme}-${width}.png`, {
          body: await page.screenshot({ fullPage: true }),
          contentType: 'image/png',
        })
      }
    }
  }
  await page.emulateMedia({ colorScheme: 'light' })
  // The disable confirmation, too.
  await page.setViewportSize({ width: 1280, height: 900 })
  await page.goto('/app/settings/people')
  await waitForHydration(page)
  await personRow(page, 'ben.berger@nordlicht.example')
    .getByRole('button', { name: 'Disable Ben Berger' })
    .click()
  await expect(page.getByRole('alertdialog')).toBeVisible()
  await expectNoSeriousViolations(page, testInfo, 'people-disable-dialog')
  await page.getByRole('button', { name: 'Cancel' }).click()
  await expect(page.getByRole('alertdialog')).toHaveCount(0)
})

/**
 * A newcomer's sign-in goes through the provider's pages: binding the account at the first
 * sign-in is what is tested, and the session fixture knows only the seeded people.
 */
async function signInAsNewcomer(page: Page, account: DemoAccount) {
  await signInThroughProvider(page, account)
  await setLocale(page, 'en')
  await page.reload()
  await waitForHydration(page)
}
