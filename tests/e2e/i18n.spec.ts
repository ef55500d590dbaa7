// German and English: a person whose browser asks for German (and whose clinic speaks
// German) sees the workspace, chat, search and a refusal in German; switching to
// English in the account menu changes the page without a reload and sticks after
// signing in again; dates and counts follow the chosen language.
import { expect, test, type Page, type TestInfo } from '@playwright/test'
import { demoAccount, providerInteraction, fillProviderSignIn, setLocale } from './support.ts'
import { openAccountMenu, signInToWorkspace, waitForHydration } from './workspace-support.ts'

test.use({ locale: 'de-DE' })

// Dora Admin: nobody else chats as her (the chat tests use up Anna's rate limit); the
// conversation made here is deleted again, since the workspace tests expect her list empty.
const account = demoAccount(1, 'admin')

async function shoot(page: Page, testInfo: TestInfo, name: string) {
  const path = testInfo.outputPath(`${name}.png`)
  await page.screenshot({ path })
  await testInfo.attach(name, { path, contentType: 'image/png' })
}

test('a German browser gets German pages before signing in and on the provider’s page', async ({ page }) => {
  await page.goto('/')
  await expect(page.locator('html')).toHaveAttribute('lang', 'de')
  await expect(page.getByRole('link', { name: 'Anmelden' })).toBeVisible()
  await expect(
    page.getByRole('heading', { level: 1, name: 'Der KI-Assistent für Ihre Praxis' }),
  ).toBeVisible()
  await page.getByRole('link', { name: 'Anmelden' }).click()
  await expect(page).toHaveURL(providerInteraction)
  await expect(page.locator('html')).toHaveAttribute('lang', 'de')
  await expect(
    page.getByRole('heading', { name: 'Bei ClinAI anmelden (lokaler Identitätsanbieter)' }),
  ).toBeVisible()
  await expect(page.getByLabel('Passwort')).toBeVisible()
})

test('workspace, chat, search and a refusal in German; English from the account menu, without a reload, kept after signing in again', async ({
  page,
}, testInfo) => {
  await signInToWorkspace(page, account, { locale: null })
  // The first byte is German already: the server rendered it so.
  const html = await (await page.request.get('/app')).text()
  expect(html).toContain('<html lang="de"')
  expect(html).toContain('Eine neue Unterhaltung beginnen')

  await expect(page.getByRole('heading', { level: 1, name: 'Eine neue Unterhaltung beginnen' })).toBeVisible()
  const sidebar = page.getByRole('navigation', { name: 'Ordner und Unterhaltungen' })
  await expect(sidebar.getByRole('link', { name: /^Alle Unterhaltungen/ })).toBeVisible()
  await shoot(page, testInfo, 'workspace-de')

  // A conversation, answered by the local simulator, in German around it.
  const created = await page.request.post('/api/trpc/conversations.create', {
    data: { title: 'Therapieplan Herbst' },
  })
  const id = ((await created.json()) as { result: { data: { id: string } } }).result.data.id
  await page.goto(`/app/c/${id}`)
  await waitForHydration(page)
  const composer = page.getByRole('textbox', { name: 'Nachricht', exact: true })
  await composer.fill('Wie gliedere ich eine Sitzung?')
  await page.getByRole('button', { name: 'Senden' }).click()
  const answer = page.getByTestId('message').and(page.locator('[data-role="assistant"]')).last()
  await expect(answer).toHaveAttribute('data-status', 'complete', { timeout: 30_000 })
  await expect(answer.getByRole('button', { name: 'Neu erzeugen' })).toBeVisible()
  await expect(page.getByText('Eingabe sendet, Umschalt+Eingabe fügt eine Zeile hinzu.')).toBeVisible()

  // A real refusal from the server (an answer is still being written elsewhere), said in German.
  await page.evaluate(async (conversationId) => {
    const hold = new AbortController()
    ;(window as unknown as { hold: AbortController }).hold = hold
    const response = await fetch(`/api/chat/${conversationId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'Woanders offen [[sim:stall]]' }),
      signal: hold.signal,
    })
    await response.body?.getReader().read()
  }, id)
  await composer.fill('Und danach?')
  await composer.press('Enter')
  const refusal = page.getByTestId('refusal')
  await expect(refusal).toHaveAttribute('data-code', 'busy')
  await expect(refusal).toContainText('Eine Antwort wird noch geschrieben')
  await expect(refusal).toContainText('Ihre Nachricht steht noch im Feld unten.')
  await expect(refusal.getByRole('button', { name: 'Noch einmal versuchen' })).toBeVisible()
  await shoot(page, testInfo, 'chat-refusal-de')
  await page.evaluate(() => (window as unknown as { hold: AbortController }).hold.abort())

  // Search, with recency as a relative time in German.
  await page.goto('/app/search?q=Sitzung')
  await waitForHydration(page)
  await expect(page.getByRole('heading', { level: 1, name: 'Ergebnisse für „Sitzung“' })).toBeVisible()
  const results = page.getByRole('list', { name: 'Suchergebnisse' })
  const hit = results.getByRole('link', { name: /Therapieplan Herbst/ })
  await expect(hit).toContainText('Treffer in einer Nachricht')
  await expect(hit.locator('time')).toHaveText(/^zuletzt aktiv (vor \d+ (Sekunden?|Minuten?)|jetzt)$/)
  await expect(page).toHaveTitle('Suche: Sitzung · ClinAI')

  // The account menu's token count and dates in German forms.
  await page.goto('/app')
  await waitForHydration(page)
  let menu = await openAccountMenu(page)
  await expect(menu.getByTestId('usage')).toContainText(/Praxis: [\d.]+ von [\d.]+ \([\d,]+\s%\)/)
  await expect(menu.getByTestId('role')).toHaveText('Administration')

  // English from the account menu: the page changes in place, with no reload.
  await page.evaluate(() => ((window as unknown as { marker: string }).marker = 'still here'))
  await menu.getByRole('menuitemradio', { name: 'English' }).click()
  await expect(page.locator('html')).toHaveAttribute('lang', 'en')
  await expect(page.getByRole('heading', { level: 1, name: 'Start a new conversation' })).toBeVisible()
  expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe('still here')
  menu = await openAccountMenu(page)
  await expect(menu.getByRole('menuitemradio', { name: 'English' })).toHaveAttribute('aria-checked', 'true')
  await expect(menu.getByTestId('usage')).toContainText(/Clinic: [\d,]+ of [\d,]+ \([\d.]+%\)/)
  await shoot(page, testInfo, 'workspace-en-account-menu')
  await page.keyboard.press('Escape')

  // Dates in the chosen language: the token list, in English now.
  await page.request.post('/api/trpc/tokens.create', { data: { name: `i18n ${Date.now()}` } })
  menu = await openAccountMenu(page)
  await menu.getByRole('menuitem', { name: 'Personal access tokens…' }).click()
  const dialog = page.getByRole('dialog', { name: 'Personal access tokens' })
  await expect(dialog.locator('li').first()).toContainText(/created \d{1,2} [A-Z][a-z]{2} \d{4}/)
  await page.keyboard.press('Escape')

  // Signed out and in again (the browser still asks for German): English sticks.
  menu = await openAccountMenu(page)
  await menu.getByRole('menuitem', { name: 'Sign out' }).click()
  await expect(page.getByRole('link', { name: 'Anmelden' })).toBeVisible()
  await page.goto('/app')
  await expect(page).toHaveURL(providerInteraction)
  await fillProviderSignIn(page, account.email, account.password)
  await expect(page).toHaveURL(/\/app$/)
  await expect(page.locator('html')).toHaveAttribute('lang', 'en')
  await expect(page.getByRole('heading', { level: 1, name: 'Start a new conversation' })).toBeVisible()
  await shoot(page, testInfo, 'workspace-en')

  // And back to German, where dates are German too.
  await setLocale(page, 'de')
  await page.reload()
  await waitForHydration(page)
  menu = await openAccountMenu(page)
  await menu.getByRole('menuitem', { name: 'Persönliche Zugriffstokens …' }).click()
  const dialogDe = page.getByRole('dialog', { name: 'Persönliche Zugriffstokens' })
  await expect(dialogDe.locator('li').first()).toContainText(/erstellt am \d{2}\.\d{2}\.\d{4}/)
  await setLocale(page, null)
  const removed = await page.request.post('/api/trpc/conversations.delete', { data: { conversationId: id } })
  expect(removed.status()).toBe(200)
})
