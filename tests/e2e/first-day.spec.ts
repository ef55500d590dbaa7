// What a newcomer and a clinician meet on the first day: the front door and the provider's
// sign-in page (light and dark, English and German), the signed-out message, Copy as plain
// text (Markdown as a choice), search snippets without Markdown, the skip link, when each
// conversation was last active, the theme choice surviving a reload, and the content
// filter's notice without empty space above it.
import { expect, test, type Page, type TestInfo } from '@playwright/test'
import { demoClinics } from '#infra/local/demo-accounts.ts'
import { demoAccount, ownerDatabase, providerInteraction } from './support.ts'
import { openAccountMenu, reload, signInToWorkspace, waitForHydration } from './workspace-support.ts'
import { expectNoSeriousViolations } from './axe.ts'

// Emil Engel (Klinik Südhang): his conversations made here use words no other test searches for.
const account = demoAccount(1, 'therapist', 0)
const tenantId = demoClinics[1]!.tenantId

const ANSWER = [
  '## Vorschlag für die Sitzung',
  '',
  '- **Schlafhygiene-Zebra** besprechen',
  '- *Atemübung* einüben, z. B. `4-7-8`',
  '',
  'Mehr in der [Leitlinie](https://example.org/leitlinie).',
].join('\n')
const ANSWER_AS_TEXT = [
  'Vorschlag für die Sitzung',
  '',
  '- Schlafhygiene-Zebra besprechen',
  '- Atemübung einüben, z. B. 4-7-8',
  '',
  'Mehr in der Leitlinie (https://example.org/leitlinie).',
].join('\n')

/** Runs `act` and waits until the preference it changed is stored: a reload right after would cancel the save. */
async function savingPreferences(page: Page, act: () => Promise<void>) {
  const saved = page.waitForResponse(
    (response) => response.url().includes('/app/preferences') && response.request().method() === 'POST',
  )
  await act()
  expect((await saved).ok()).toBe(true)
}

async function shoot(page: Page, testInfo: TestInfo, name: string) {
  const path = testInfo.outputPath(`${name}.png`)
  await page.screenshot({ path })
  await testInfo.attach(name, { path, contentType: 'image/png' })
}

/** A conversation of the account's with a question and a stored answer, last active `hoursAgo`. */
async function seedConversation(
  title: string,
  answer: { content: string; status?: 'complete' | 'error'; errorCode?: string },
  hoursAgo = 0,
): Promise<string> {
  const owner = ownerDatabase()
  try {
    const [conversation] = await owner.client<Array<{ id: string }>>`
      insert into conversations (tenant_id, owner_user_id, title, last_message_at)
      values (${tenantId}, ${account.userId}, ${title}, now() - make_interval(hours => ${hoursAgo}))
      returning id`
    await owner.client`
      insert into messages (tenant_id, conversation_id, owner_user_id, role, content, created_at)
      values (${tenantId}, ${conversation!.id}, ${account.userId}, 'user', ${title},
              now() - make_interval(hours => ${hoursAgo}))`
    await owner.client`
      insert into messages (tenant_id, conversation_id, owner_user_id, role, content, status, error_code, created_at)
      values (${tenantId}, ${conversation!.id}, ${account.userId}, 'assistant', ${answer.content},
              ${answer.status ?? 'complete'}, ${answer.errorCode ?? null},
              now() - make_interval(hours => ${hoursAgo}) + interval '1 second')`
    return conversation!.id
  } finally {
    await owner.close()
  }
}

async function setTheme(page: Page, theme: 'system' | 'light' | 'dark') {
  const response = await page.request.post('/api/trpc/me.updatePreferences', { data: { theme } })
  expect(response.status()).toBe(200)
}

test.describe('signed out', () => {
  for (const locale of ['en-GB', 'de-DE'] as const) {
    test.describe(locale, () => {
      test.use({ locale })
      const en = locale === 'en-GB'

      test(`the front door says what ClinAI is, with its logo and favicon, light and dark (${locale})`, async ({
        page,
      }, testInfo) => {
        for (const colorScheme of ['light', 'dark'] as const) {
          await page.emulateMedia({ colorScheme })
          await page.goto('/')
          await expect(page.locator('html')).toHaveAttribute('lang', en ? 'en' : 'de')
          await expect(
            page.getByRole('heading', {
              level: 1,
              name: en ? 'The AI assistant for your clinic' : 'Der KI-Assistent für Ihre Praxis',
            }),
          ).toBeVisible()
          await expect(page.getByRole('banner')).toContainText('ClinAI')
          await expect(page.getByRole('banner').locator('svg')).toBeVisible()
          await expect(page.getByRole('link', { name: en ? 'Sign in' : 'Anmelden' })).toBeVisible()
          await expect(
            page.getByRole('list', { name: en ? 'What ClinAI does' : 'Was ClinAI kann' }),
          ).toBeVisible()
          await expect(page.getByText(/database|Datenbank/)).toHaveCount(0)
          const background = await page
            .locator('body > div')
            .first()
            .evaluate((node) => getComputedStyle(node).backgroundColor)
          expect(background).toBe(colorScheme === 'dark' ? 'rgb(2, 6, 23)' : 'rgb(248, 250, 252)')
          await expectNoSeriousViolations(page, null, 'first-day')
          await shoot(page, testInfo, `landing-${locale}-${colorScheme}`)
        }
        // At phone width the cards stack under the sign-in.
        await page.setViewportSize({ width: 390, height: 844 })
        await expect(page.getByRole('link', { name: en ? 'Sign in' : 'Anmelden' })).toBeInViewport()
        await shoot(page, testInfo, `landing-${locale}-dark-phone`)
        const icon = await page.locator('link[rel="icon"]').getAttribute('href')
        const favicon = await page.request.get(icon!)
        expect(favicon.status()).toBe(200)
        expect(favicon.headers()['content-type']).toContain('image/svg+xml')
        expect(await favicon.text()).toContain('<svg')
      })

      test(`the provider's sign-in page follows the dark theme (${locale})`, async ({ page }, testInfo) => {
        for (const colorScheme of ['light', 'dark'] as const) {
          await page.emulateMedia({ colorScheme })
          await page.goto('/')
          await page.getByRole('link', { name: en ? 'Sign in' : 'Anmelden' }).click()
          await expect(page).toHaveURL(providerInteraction)
          await expect(page.getByRole('textbox').first()).toBeVisible()
          const colours = await page.evaluate(() => ({
            page: getComputedStyle(document.body).backgroundColor,
            card: getComputedStyle(document.querySelector('main')!).backgroundColor,
          }))
          expect(colours).toEqual(
            colorScheme === 'dark'
              ? { page: 'rgb(2, 6, 23)', card: 'rgb(15, 23, 42)' }
              : { page: 'rgb(247, 248, 250)', card: 'rgb(255, 255, 255)' },
          )
          await shoot(page, testInfo, `sign-in-${locale}-${colorScheme}`)
        }
      })
    })
  }

  test('after signing out the front door says so', async ({ page }, testInfo) => {
    await signInToWorkspace(page, account)
    await openAccountMenu(page)
    await page.getByRole('menuitem', { name: 'Sign out' }).click()
    await expect(page).toHaveURL(/\/\?signedOut=1$/)
    await expect(page.getByRole('status')).toContainText('You are signed out.')
    await expect(page.getByRole('link', { name: 'Sign in again' })).toBeVisible()
    await expectNoSeriousViolations(page, null, 'first-day')
    await shoot(page, testInfo, 'signed-out-en')
    // The session is gone: the workspace asks for a sign-in again.
    await page.goto('/app')
    await expect(page).toHaveURL(providerInteraction)
  })
})

test.describe('signed in', () => {
  test.beforeEach(async ({ page }) => {
    await signInToWorkspace(page, account)
  })
  test.afterEach(async ({ page }) => {
    await setTheme(page, 'system')
  })

  test('Copy puts plain text on the clipboard; Markdown is the other choice', async ({ page }) => {
    const id = await seedConversation('Kopieren als Text', { content: ANSWER })
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'])
    await page.goto(`/app/c/${id}`)
    await waitForHydration(page)
    const answer = page.locator('[data-testid="message"][data-role="assistant"]')
    await answer.getByRole('button', { name: 'Copy answer' }).click()
    await expect(answer.getByRole('button', { name: 'Copied' })).toBeVisible()
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(ANSWER_AS_TEXT)

    await answer.getByRole('button', { name: 'Ways to copy the answer' }).click()
    await page.getByRole('menuitem', { name: 'Copy as Markdown' }).click()
    await expect(answer.getByRole('button', { name: 'Copied' })).toBeVisible()
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(ANSWER)
  })

  test('a search snippet shows the answer without Markdown, the match marked', async ({ page }, testInfo) => {
    await seedConversation('Suche ohne Sternchen', { content: ANSWER })
    await page.goto('/app/search?q=Atemübung')
    const results = page.getByRole('list', { name: 'Search results' })
    const hit = results.getByRole('listitem').filter({ hasText: 'Suche ohne Sternchen' })
    await expect(hit).toBeVisible()
    const snippet = hit.locator('p').first()
    await expect(snippet).toContainText('Atemübung einüben, z. B. 4-7-8 Mehr in der Leitlinie')
    expect(await snippet.innerText()).not.toMatch(/[*#`]/)
    await expect(snippet.locator('mark')).toHaveText(['Atemübung'])
    await shoot(page, testInfo, 'search-snippet-en')
  })

  test('the skip link is the first stop and leads to the message box', async ({ page }) => {
    const id = await seedConversation('Tastatur zuerst', { content: 'Gern.' })
    await page.goto(`/app/c/${id}`)
    await waitForHydration(page)
    await page.keyboard.press('Tab')
    const skip = page.getByRole('link', { name: 'Skip to the message box' })
    await expect(skip).toBeFocused()
    await expect(skip).toBeInViewport()
    await page.keyboard.press('Enter')
    await expect(page.getByRole('textbox', { name: 'Message', exact: true })).toBeFocused()
    await expect(page.locator(':focus')).toHaveAttribute('id', 'message-box')

    // Elsewhere in the workspace it leads to the main pane.
    await page.goto('/app')
    await waitForHydration(page)
    await page.keyboard.press('Tab')
    await expect(page.getByRole('link', { name: 'Skip to the main content' })).toBeFocused()
    await page.keyboard.press('Enter')
    await expect(page.locator('main')).toBeFocused()
  })

  test('the sidebar shows when each conversation was last active, in the page’s language', async ({
    page,
  }, testInfo) => {
    const id = await seedConversation('Vor drei Stunden', { content: 'Gern.' }, 3)
    await reload(page)
    const row = page.locator(`#workspace-sidebar li[data-conversation-id="${id}"]`)
    await expect(row.getByTestId('last-active')).toHaveText('Last active 3 hours ago')
    await expect(row.getByRole('link')).toHaveAccessibleDescription('Last active 3 hours ago')
    await shoot(page, testInfo, 'sidebar-en')

    await page.request.post('/api/trpc/me.updatePreferences', { data: { locale: 'de' } })
    try {
      await reload(page)
      await expect(row.getByTestId('last-active')).toHaveText('Zuletzt aktiv vor 3 Stunden')
      await expect(row.getByRole('link')).toHaveAccessibleDescription('Zuletzt aktiv vor 3 Stunden')
      await shoot(page, testInfo, 'sidebar-de')
    } finally {
      await page.request.post('/api/trpc/me.updatePreferences', { data: { locale: 'en' } })
    }
  })

  test('the theme chosen in the account menu holds after a reload, from the first byte', async ({
    page,
  }, testInfo) => {
    // The device prefers light; the person chooses dark.
    await page.emulateMedia({ colorScheme: 'light' })
    const background = () => page.locator('html').evaluate((html) => getComputedStyle(html).backgroundColor)
    expect(await background()).toBe('rgb(255, 255, 255)')
    await openAccountMenu(page)
    await savingPreferences(page, () => page.getByRole('menuitemradio', { name: 'Dark' }).click())
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
    expect(await background()).toBe('rgb(2, 6, 23)')
    await page.keyboard.press('Escape')

    await reload(page)
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
    expect(await background()).toBe('rgb(2, 6, 23)')
    // Rendered by the server: the page's first byte already carries the theme (no flash).
    const html = await (await page.request.get('/app')).text()
    expect(html).toMatch(/<html[^>]*data-theme="dark"/)
    await openAccountMenu(page)
    await expect(page.getByRole('menuitemradio', { name: 'Dark' })).toHaveAttribute('aria-checked', 'true')
    await shoot(page, testInfo, 'theme-dark-en')
    await page.keyboard.press('Escape')

    // Light wins over a dark device, and "As on this device" follows the device again.
    await page.emulateMedia({ colorScheme: 'dark' })
    await openAccountMenu(page)
    await savingPreferences(page, () => page.getByRole('menuitemradio', { name: 'Light' }).click())
    await page.keyboard.press('Escape')
    await reload(page)
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light')
    expect(await background()).toBe('rgb(255, 255, 255)')
    await shoot(page, testInfo, 'theme-light-en')
    await openAccountMenu(page)
    await savingPreferences(page, () =>
      page.getByRole('menuitemradio', { name: 'As on this device' }).click(),
    )
    await page.keyboard.press('Escape')
    await reload(page)
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'system')
    expect(await background()).toBe('rgb(2, 6, 23)')
  })

  test('both themes in German', async ({ page }, testInfo) => {
    await page.request.post('/api/trpc/me.updatePreferences', { data: { locale: 'de' } })
    try {
      for (const theme of ['light', 'dark'] as const) {
        await setTheme(page, theme)
        await reload(page)
        await expect(page.locator('html')).toHaveAttribute('data-theme', theme)
        await openAccountMenu(page)
        await expect(
          page.getByRole('menuitemradio', { name: theme === 'dark' ? 'Dunkel' : 'Hell' }),
        ).toHaveAttribute('aria-checked', 'true')
        await shoot(page, testInfo, `theme-${theme}-de`)
        await page.keyboard.press('Escape')
      }
    } finally {
      await page.request.post('/api/trpc/me.updatePreferences', { data: { locale: 'en' } })
    }
  })

  test('an answer stopped by the content filter shows its notice without empty space above', async ({
    page,
  }, testInfo) => {
    const id = await seedConversation('Gefiltert', {
      content: '',
      status: 'error',
      errorCode: 'content_filter',
    })
    await page.goto(`/app/c/${id}`)
    const answer = page.locator('[data-testid="message"][data-role="assistant"]')
    const notice = answer.getByTestId('message-state')
    await expect(notice).toContainText('Stopped by the content filter')
    const card = await notice.locator('xpath=..').boundingBox()
    const box = await notice.boundingBox()
    // The card's own padding (12 px) and nothing more between its edge and the notice.
    expect(Math.round(box!.y - card!.y)).toBe(12 + 1)
    await shoot(page, testInfo, 'content-filter-en')
  })
})
