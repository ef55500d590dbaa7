// The chat pane in a real browser against the whole local stack: the answer streams in
// from the Azure OpenAI simulator, stops, regenerates, fails and recovers; hostile text
// stays text; the page passes an accessibility scan and is captured at two widths.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import AxeBuilder from '@axe-core/playwright'
import { expect, test, type Locator, type Page } from '@playwright/test'
import { eq } from 'drizzle-orm'
import { messages, tenants } from '#db/schema/index.ts'
import { demoClinics } from '#infra/local/demo-accounts.ts'
import { toPlainText } from '#server/contract/note-text.ts'
import { demoAccount, ownerDatabase, signIn } from './support.ts'

// The chat endpoint allows 20 requests per person per minute: the tests share them out.
const accounts = {
  streaming: demoAccount(0, 'therapist', 0),
  failures: demoAccount(0, 'therapist', 1),
  hostile: demoAccount(1, 'therapist', 0),
  looks: demoAccount(1, 'therapist', 1),
  // Uses up its rate limit on purpose.
  hurried: demoAccount(0, 'admin'),
}

/** Starts an answer in the conversation from the page (as another tab would) that the simulator holds open. */
async function holdAnswerOpen(page: Page, conversationId: string) {
  await page.evaluate(async (id) => {
    const hold = new AbortController()
    ;(window as unknown as { hold: AbortController }).hold = hold
    const response = await fetch(`/api/chat/${id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'Held open elsewhere [[sim:stall]]' }),
      signal: hold.signal,
    })
    await response.body?.getReader().read()
  }, conversationId)
}

async function releaseAnswer(page: Page) {
  await page.evaluate(() => (window as unknown as { hold: AbortController }).hold.abort())
}

/** A conversation of the signed-in user, made through the tRPC HTTP API (no transformer: plain JSON). */
async function createConversation(page: Page, title?: string): Promise<string> {
  const response = await page.request.post('/api/trpc/conversations.create', {
    data: title === undefined ? {} : { title },
  })
  expect(response.status()).toBe(200)
  const body = (await response.json()) as { result: { data: { id: string } } }
  return body.result.data.id
}

interface StoredMessage {
  id: string
  role: 'user' | 'assistant'
  content: string
  status: string
  errorCode: string | null
}

async function storedMessages(page: Page, conversationId: string): Promise<StoredMessage[]> {
  const input = encodeURIComponent(JSON.stringify({ conversationId, limit: 100 }))
  const response = await page.request.get(`/api/trpc/messages.list?input=${input}`)
  expect(response.status()).toBe(200)
  const body = (await response.json()) as { result: { data: { items: StoredMessage[] } } }
  return body.result.data.items
}

function chat(page: Page) {
  const messages = page.getByTestId('message')
  return {
    composer: page.getByRole('textbox', { name: 'Message', exact: true }),
    stop: page.getByRole('button', { name: 'Stop', exact: true }),
    userMessages: messages.and(page.locator('[data-role="user"]')),
    answers: messages.and(page.locator('[data-role="assistant"]')),
    lastAnswer: messages.and(page.locator('[data-role="assistant"]')).last(),
  }
}

async function ask(page: Page, text: string) {
  const { composer } = chat(page)
  await composer.fill(text)
  await composer.press('Enter')
}

/** Waits until the answer has shown some text and is still streaming. */
async function waitForPartialAnswer(answer: Locator) {
  await expect(answer).toHaveAttribute('data-status', 'streaming')
  await expect(answer.getByTestId('message-text')).not.toBeEmpty()
}

/** An axe-core scan (WCAG 2.1 A/AA and best practice) in light and dark: no serious or critical findings. */
async function expectNoSeriousAxeViolations(page: Page) {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme })
    const results = await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
      .analyze()
    const serious = results.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => ({ id: violation.id, nodes: violation.nodes.map((node) => node.target.join(' ')) }))
    expect(serious, `${colorScheme} mode`).toEqual([])
    expect(results.passes.length).toBeGreaterThan(0)
  }
  await page.emulateMedia({ colorScheme: 'light' })
}

/** The live answer has given way to the stored one (the server has stored its ending). */
async function waitUntilStored(answer: Locator) {
  await expect(answer).not.toHaveAttribute('data-live', 'true', { timeout: 20_000 })
}

/** Page errors and console errors (a hydration mismatch, say) fail the test. */
function watchForErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`${message.text()} ${message.location().url}`)
  })
  return errors
}

test.describe('streaming', () => {
  let errors: string[] = []
  test.beforeEach(async ({ page }) => {
    await signIn(page, accounts.streaming)
    // From here on: the identity provider's own pages are not ours to judge.
    errors = watchForErrors(page)
  })
  test.afterEach(() => {
    expect(errors).toEqual([])
  })

  test('an answer streams in piece by piece, names the conversation, and both messages are saved', async ({
    page,
  }) => {
    const id = await createConversation(page)
    await page.goto(`/app/c/${id}`)
    await expect(page).toHaveTitle('New conversation · ClinAI')
    const { userMessages, answers, lastAnswer } = chat(page)

    // Every distinct length the answer shows while it streams, sampled in the page.
    await page.evaluate(() => {
      const seen = new Set<number>()
      ;(window as unknown as { answerLengths: Set<number> }).answerLengths = seen
      const sample = () => {
        const answers = document.querySelectorAll('[data-testid="message"][data-role="assistant"]')
        const text = answers[answers.length - 1]?.querySelector('[data-testid="message-text"]')?.textContent
        if (text) seen.add(text.length)
        if (answers[answers.length - 1]?.getAttribute('data-status') !== 'complete')
          requestAnimationFrame(sample)
      }
      requestAnimationFrame(sample)
    })
    const question = 'How do I structure a first therapy session?'
    await ask(page, question)
    await expect(userMessages).toHaveCount(1)
    await expect(userMessages.first().getByTestId('message-text')).toHaveText(question)
    await expect(lastAnswer).toHaveAttribute('data-status', 'complete', { timeout: 30_000 })
    const lengths = await page.evaluate(() => [
      ...(window as unknown as { answerLengths: Set<number> }).answerLengths,
    ])
    expect(lengths.length).toBeGreaterThanOrEqual(4)
    console.log(`the answer showed ${lengths.length} distinct lengths while streaming`)

    // The first exchange names the conversation: the tab and the heading follow.
    await expect(page).toHaveTitle(`${question} · ClinAI`)
    await expect(page.getByTestId('conversation-title')).toHaveText(question)
    await waitUntilStored(lastAnswer)
    // The loaders were reloaded, so the sidebar lists the conversation under its new name too.
    await expect(page.locator('#workspace-sidebar').getByRole('link', { name: question })).toBeVisible()
    const answerText = await lastAnswer.getByTestId('message-text').innerText()
    expect(answerText.length).toBeGreaterThan(40)

    await page.reload()
    await expect(userMessages).toHaveCount(1)
    await expect(answers).toHaveCount(1)
    await expect(userMessages.first().getByTestId('message-text')).toHaveText(question)
    await expect(lastAnswer).toHaveAttribute('data-status', 'complete')
    await expect(lastAnswer.getByTestId('message-text')).toHaveText(answerText)
    await expect(page).toHaveTitle(`${question} · ClinAI`)

    // Copy puts the answer on the clipboard as plain text, and says so; Markdown is the other choice.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'])
    await lastAnswer.getByRole('button', { name: 'Copy answer' }).click()
    await expect(lastAnswer.getByRole('button', { name: 'Copied' })).toBeVisible()
    const stored = (await storedMessages(page, id)).find((message) => message.role === 'assistant')!.content
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(toPlainText(stored))
    await lastAnswer.getByRole('button', { name: 'Ways to copy the answer' }).click()
    await page.getByRole('menuitem', { name: 'Copy as Markdown' }).click()
    await expect(lastAnswer.getByRole('button', { name: 'Copied' })).toBeVisible()
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(stored)
  })

  test('Stop keeps the partial answer marked stopped, also after a reload; Regenerate then answers it', async ({
    page,
  }) => {
    const id = await createConversation(page, 'Stopping')
    await page.goto(`/app/c/${id}`)
    const { stop, composer, userMessages, answers, lastAnswer } = chat(page)
    // The simulator sends one batch, then stalls (only on the first request with this body).
    await ask(page, 'Summarise the intake notes for the team [[sim:stall:1]]')
    await waitForPartialAnswer(lastAnswer)
    await expect(composer).toBeDisabled()
    await stop.click()

    await expect(lastAnswer).toHaveAttribute('data-status', 'stopped')
    await expect(lastAnswer.getByTestId('message-state')).toContainText('Stopped')
    await waitUntilStored(lastAnswer)
    const partial = await lastAnswer.getByTestId('message-text').innerText()
    expect(partial.length).toBeGreaterThan(0)
    await expect(composer).toBeEnabled()

    await page.reload()
    await expect(userMessages).toHaveCount(1)
    await expect(lastAnswer).toHaveAttribute('data-status', 'stopped')
    await expect(lastAnswer.getByTestId('message-state')).toContainText('Stopped')
    await expect(lastAnswer.getByTestId('message-text')).toHaveText(partial)

    await lastAnswer.getByRole('button', { name: 'Regenerate' }).click()
    await expect(lastAnswer).toHaveAttribute('data-status', 'complete', { timeout: 30_000 })
    await waitUntilStored(lastAnswer)
    await page.reload()
    await expect(userMessages).toHaveCount(1)
    await expect(answers).toHaveCount(1)
    await expect(lastAnswer).toHaveAttribute('data-status', 'complete')
    expect((await lastAnswer.getByTestId('message-text').innerText()).length).toBeGreaterThan(partial.length)
  })

  test('Esc stops the answer too', async ({ page }) => {
    const id = await createConversation(page, 'Stopping with Esc')
    await page.goto(`/app/c/${id}`)
    const { userMessages, lastAnswer } = chat(page)
    await ask(page, 'Draft a note on sleep hygiene [[sim:stall]]')
    await waitForPartialAnswer(lastAnswer)
    await page.keyboard.press('Escape')
    await expect(lastAnswer).toHaveAttribute('data-status', 'stopped')
    await waitUntilStored(lastAnswer)
    const partial = await lastAnswer.getByTestId('message-text').innerText()
    expect(partial.length).toBeGreaterThan(0)

    await page.reload()
    await expect(userMessages).toHaveCount(1)
    await expect(lastAnswer).toHaveAttribute('data-status', 'stopped')
    await expect(lastAnswer.getByTestId('message-text')).toHaveText(partial)
    const stored = await storedMessages(page, id)
    expect(stored.map((message) => [message.role, message.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'stopped'],
    ])
  })

  test('Regenerate answers the last question again without storing it twice', async ({ page }) => {
    const id = await createConversation(page, 'Regenerating')
    await page.goto(`/app/c/${id}`)
    const { userMessages, answers, lastAnswer } = chat(page)
    await ask(page, 'Which goals suit a short anxiety treatment?')
    await expect(lastAnswer).toHaveAttribute('data-status', 'complete', { timeout: 30_000 })
    await waitUntilStored(lastAnswer)
    const [, first] = await storedMessages(page, id)

    await lastAnswer.getByRole('button', { name: 'Regenerate' }).click()
    await expect(answers).toHaveCount(1)
    await expect(lastAnswer).toHaveAttribute('data-live', 'true')
    await expect(lastAnswer).toHaveAttribute('data-status', 'complete', { timeout: 30_000 })
    await waitUntilStored(lastAnswer)
    const stored = await storedMessages(page, id)
    expect(stored.map((message) => message.role)).toEqual(['user', 'assistant'])
    expect(stored[1]?.id).not.toBe(first?.id)
    expect(stored[1]?.status).toBe('complete')

    await page.reload()
    await expect(userMessages).toHaveCount(1)
    await expect(answers).toHaveCount(1)
  })
})

test.describe('failures and refusals', () => {
  test.beforeEach(async ({ page }) => {
    await signIn(page, accounts.failures)
  })

  test('an answer cut by the content filter shows inline, and Try again answers without a second question', async ({
    page,
  }, testInfo) => {
    const id = await createConversation(page, 'Filtered')
    await page.goto(`/app/c/${id}`)
    const { userMessages, answers, lastAnswer } = chat(page)
    const question = 'Describe the incident report [[sim:filter_mid:1]]'
    await ask(page, question)
    await expect(lastAnswer).toHaveAttribute('data-status', 'error', { timeout: 30_000 })
    await expect(lastAnswer.getByTestId('message-state')).toContainText('Stopped by the content filter')
    await waitUntilStored(lastAnswer)
    await expectNoSeriousAxeViolations(page)
    await testInfo.attach('chat-content-filter.png', {
      body: await page.screenshot(),
      contentType: 'image/png',
    })

    // After a reload the stored failure says the same and still offers to try again.
    await page.reload()
    await expect(lastAnswer).toHaveAttribute('data-status', 'error')
    await expect(lastAnswer.getByTestId('message-state')).toContainText('Stopped by the content filter')
    await lastAnswer.getByRole('button', { name: 'Try again' }).click()
    await expect(lastAnswer).toHaveAttribute('data-status', 'complete', { timeout: 30_000 })
    await waitUntilStored(lastAnswer)

    await page.reload()
    await expect(userMessages).toHaveCount(1)
    await expect(userMessages.first().getByTestId('message-text')).toHaveText(question)
    await expect(answers).toHaveCount(1)
    await expect(lastAnswer).toHaveAttribute('data-status', 'complete')
  })

  test('a dropped upstream connection shows inline and Try again recovers', async ({ page }) => {
    const id = await createConversation(page, 'Cut off')
    await page.goto(`/app/c/${id}`)
    const { userMessages, answers, lastAnswer } = chat(page)
    await ask(page, 'List follow-up questions for the family [[sim:cut:1]]')
    await expect(lastAnswer).toHaveAttribute('data-status', 'error', { timeout: 30_000 })
    await expect(lastAnswer.getByTestId('message-state')).toContainText('Your message is saved')
    await lastAnswer.getByRole('button', { name: 'Try again' }).click()
    await expect(lastAnswer).toHaveAttribute('data-status', 'complete', { timeout: 30_000 })
    await waitUntilStored(lastAnswer)
    await page.reload()
    await expect(userMessages).toHaveCount(1)
    await expect(answers).toHaveCount(1)
  })

  test('a refused message stays in the composer, and Try again sends it once', async ({ page }) => {
    const id = await createConversation(page, 'Busy')
    await page.goto(`/app/c/${id}`)
    const { composer, userMessages, answers, lastAnswer } = chat(page)

    // Another tab holds an answer open in this conversation (the simulator stalls it).
    await holdAnswerOpen(page, id)

    const question = 'What should the discharge letter contain?'
    await ask(page, question)
    const refusal = page.getByTestId('refusal')
    await expect(refusal).toHaveAttribute('data-code', 'busy')
    await expect(refusal).toContainText('still in the box below')
    await expect(composer).toHaveValue(question)
    // The pane catches up with the other tab's question; the refused one is not shown as sent.
    await expect(userMessages.getByText('Held open elsewhere [[sim:stall]]')).toHaveCount(1)
    await expect(userMessages.getByText(question, { exact: true })).toHaveCount(0)

    // The other tab stops its answer; now the retry goes through, once.
    await releaseAnswer(page)
    await expect(async () => {
      await refusal.getByRole('button', { name: 'Try again' }).click({ timeout: 2_000 })
      await expect(refusal).toBeHidden({ timeout: 2_000 })
    }).toPass({ timeout: 20_000 })
    await expect(lastAnswer).toHaveAttribute('data-status', 'complete', { timeout: 30_000 })
    await expect(composer).toHaveValue('')
    await waitUntilStored(lastAnswer)

    await page.reload()
    await expect(userMessages.getByText(question, { exact: true })).toHaveCount(1)
    await expect(answers).toHaveCount(2)
  })

  test('a used-up budget is said plainly and the text stays in the composer', async ({ page }) => {
    const id = await createConversation(page, 'Budget')
    await page.goto(`/app/c/${id}`)
    const { composer, userMessages } = chat(page)
    const owner = ownerDatabase()
    const clinic = demoClinics[0]!.tenantId
    const [before] = await owner.db
      .select({ budget: tenants.monthlyTokenBudget })
      .from(tenants)
      .where(eq(tenants.id, clinic))
    try {
      await owner.db.update(tenants).set({ monthlyTokenBudget: 1 }).where(eq(tenants.id, clinic))
      const question = 'Draft a referral letter to the psychiatrist'
      await ask(page, question)
      const refusal = page.getByTestId('refusal')
      await expect(refusal).toHaveAttribute('data-code', 'budget_exhausted')
      await expect(refusal).toContainText('Budget reached')
      await expect(composer).toHaveValue(question)
      await expect(userMessages).toHaveCount(0)
    } finally {
      await owner.db.update(tenants).set({ monthlyTokenBudget: before!.budget }).where(eq(tenants.id, clinic))
      await owner.close()
    }
    expect(await storedMessages(page, id)).toEqual([])
  })

  test('a proxy error page or no connection at all keeps the text, and Try again sends it', async ({
    page,
  }) => {
    const id = await createConversation(page, 'Unreachable')
    await page.goto(`/app/c/${id}`)
    const { composer, userMessages, answers, lastAnswer } = chat(page)
    const refusal = page.getByTestId('refusal')
    const question = 'Which questionnaires suit a first assessment?'

    await page.route('**/api/chat/**', (route) =>
      route.fulfill({ status: 502, contentType: 'text/html', body: '<html><body>Bad gateway</body></html>' }),
    )
    await ask(page, question)
    await expect(refusal).toHaveAttribute('data-code', 'unknown')
    await expect(refusal).toContainText('Something went wrong on our side')
    await expect(composer).toHaveValue(question)

    await page.unroute('**/api/chat/**')
    await page.route('**/api/chat/**', (route) => route.abort('internetdisconnected'))
    await refusal.getByRole('button', { name: 'Try again' }).click()
    await expect(refusal).toHaveAttribute('data-code', 'network')
    await expect(refusal).toContainText('ClinAI could not be reached')
    await expect(composer).toHaveValue(question)
    await expect(userMessages).toHaveCount(0)

    await page.unroute('**/api/chat/**')
    await refusal.getByRole('button', { name: 'Try again' }).click()
    await expect(lastAnswer).toHaveAttribute('data-status', 'complete', { timeout: 30_000 })
    await expect(refusal).toBeHidden()
    await expect(composer).toHaveValue('')
    await waitUntilStored(lastAnswer)
    await page.reload()
    await expect(userMessages).toHaveCount(1)
    await expect(answers).toHaveCount(1)
  })

  test('an unknown conversation shows a friendly not-found pane', async ({ page }) => {
    const response = await page.goto('/app/c/00000000-0000-4000-8000-000000000000')
    expect(response?.status()).toBe(404)
    await expect(page.getByRole('heading', { name: 'Conversation not found' })).toBeVisible()
    await expect(page.getByRole('link', { name: 'Back to your conversations' })).toHaveAttribute(
      'href',
      '/app',
    )
    await page.goto('/app/c/not-a-uuid')
    await expect(page.getByRole('heading', { name: 'Conversation not found' })).toBeVisible()
  })
})

test.describe('rate limit', () => {
  test('a rate-limited message says when to try again and keeps the text', async ({ page }, testInfo) => {
    await signIn(page, accounts.hurried)
    const id = await createConversation(page, 'Hurried')
    await page.goto(`/app/c/${id}`)
    const { composer, userMessages } = chat(page)
    // A held-open answer makes every further request a quick "busy" refusal, each of
    // which still counts against the per-minute limit; use the limit up that way.
    await holdAnswerOpen(page, id)
    const statuses = await page.evaluate(async (conversationId) => {
      const seen: number[] = []
      for (let i = 0; i < 40 && !seen.includes(429); i++) {
        const response = await fetch(`/api/chat/${conversationId}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ content: 'again' }),
        })
        seen.push(response.status)
      }
      return seen
    }, id)
    expect(statuses).toContain(429)
    await releaseAnswer(page)

    const question = 'Summarise the last three sessions'
    await ask(page, question)
    const refusal = page.getByTestId('refusal')
    await expect(refusal).toHaveAttribute('data-code', 'rate_limited')
    await expect(refusal).toContainText(/You can try again in \d+ s\./)
    await expect(refusal.getByRole('button', { name: 'Try again' })).toBeDisabled()
    await expect(composer).toHaveValue(question)
    await expect(composer).toBeEnabled()
    await expect(userMessages.getByText(question, { exact: true })).toHaveCount(0)
    await expectNoSeriousAxeViolations(page)
    await testInfo.attach('chat-rate-limited.png', {
      body: await page.screenshot(),
      contentType: 'image/png',
    })
    const stored = await storedMessages(page, id)
    expect(stored.filter((message) => message.role === 'user').map((message) => message.content)).toEqual([
      'Held open elsewhere [[sim:stall]]',
    ])
  })
})

test.describe('history', () => {
  test('Load earlier messages pages back and keeps the reader where they were', async ({ page }) => {
    const account = accounts.hostile
    await signIn(page, account)
    const id = await createConversation(page, 'A long conversation')
    // A fixture writes a long history straight into the stack's database, as the seed does:
    // the chat endpoint's rate limit would make 30 exchanges take minutes.
    const owner = ownerDatabase()
    try {
      const tenantId = demoClinics[1]!.tenantId
      const start = Date.now() - 3600_000
      await owner.db.insert(messages).values(
        Array.from({ length: 30 }, (_, index) => [
          { role: 'user' as const, content: `Question ${index + 1}` },
          { role: 'assistant' as const, content: `Answer ${index + 1}` },
        ])
          .flat()
          .map((message, index) => ({
            ...message,
            tenantId,
            conversationId: id,
            ownerUserId: account.userId,
            status: 'complete' as const,
            createdAt: new Date(start + index * 1000),
          })),
      )
    } finally {
      await owner.close()
    }

    await page.goto(`/app/c/${id}`)
    const { userMessages, answers } = chat(page)
    await expect(answers.last().getByTestId('message-text')).toHaveText('Answer 30')
    await expect(answers.last()).toBeInViewport()
    await expect(userMessages).toHaveCount(25)
    await expect(userMessages.first().getByTestId('message-text')).toHaveText('Question 6')

    await page.getByRole('button', { name: 'Load earlier messages' }).click()
    await expect(userMessages).toHaveCount(30)
    await expect(answers).toHaveCount(30)
    await expect(userMessages.first().getByTestId('message-text')).toHaveText('Question 1')
    await expect(page.getByRole('button', { name: 'Load earlier messages' })).toHaveCount(0)
    // The view stays on what the reader was looking at instead of jumping to the top.
    await expect(page.getByText('Question 6', { exact: true })).toBeInViewport()
    await expect(page.getByText('Question 1', { exact: true })).not.toBeInViewport()

    // A new answer follows the bottom only while the reader stays there.
    const list = page.getByTestId('message-list')
    const lastAnswer = answers.last()
    await ask(page, 'How do I plan the next session?')
    await expect(lastAnswer).toHaveAttribute('data-live', 'true')
    await expect(lastAnswer).toBeInViewport()
    await waitForPartialAnswer(lastAnswer)
    await list.evaluate((element) => element.scrollTo({ top: 0 }))
    await expect(lastAnswer).toHaveAttribute('data-status', 'complete', { timeout: 30_000 })
    await waitUntilStored(lastAnswer)
    expect(await list.evaluate((element) => element.scrollTop)).toBe(0)
    await expect(lastAnswer).not.toBeInViewport()
    await page.getByRole('button', { name: 'Jump to the latest message' }).click()
    await expect(lastAnswer).toBeInViewport()
    await expect(page.getByRole('button', { name: 'Jump to the latest message' })).toHaveCount(0)
  })
})

test.describe('hostile content', () => {
  let beacon: http.Server
  let beaconPort = 0
  const beaconHits: string[] = []

  test.beforeAll(async () => {
    beacon = http.createServer((req, res) => {
      beaconHits.push(req.url ?? '')
      res.writeHead(200, { 'content-type': 'image/png' }).end()
    })
    await new Promise<void>((resolve) => beacon.listen(0, '127.0.0.1', resolve))
    beaconPort = (beacon.address() as AddressInfo).port
  })

  test.afterAll(async () => {
    await new Promise((resolve) => beacon.close(resolve))
  })

  test('script, handlers, javascript: links and image beacons stay inert text', async ({ page }) => {
    const dialogs: string[] = []
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message())
      void dialog.dismiss()
    })
    await signIn(page, accounts.hostile)
    const id = await createConversation(page, 'Hostile')
    await page.goto(`/app/c/${id}`)
    const { userMessages, lastAnswer } = chat(page)
    const hostile =
      'Please review <script>alert(1)</script> and <img src=x onerror=alert(1)> ' +
      `and [click](javascript:alert(1)) and ![beacon](http://127.0.0.1:${beaconPort}/beacon.png)`
    await ask(page, hostile)
    await expect(lastAnswer).toHaveAttribute('data-status', 'complete', { timeout: 30_000 })
    await waitUntilStored(lastAnswer)

    for (const round of ['live', 'reloaded']) {
      if (round === 'reloaded') await page.reload()
      await expect(userMessages.first().getByTestId('message-text')).toHaveText(hostile)
      await expect(lastAnswer).toHaveAttribute('data-status', 'complete')
      expect(await page.locator('[onerror]').count()).toBe(0)
      expect(await page.locator('[data-testid="message"] img, [data-testid="message"] script').count()).toBe(
        0,
      )
      const hrefs = await page
        .locator('a[href]')
        .evaluateAll((links) => links.map((link) => link.getAttribute('href')))
      expect(hrefs.filter((href) => /^\s*javascript:/i.test(href ?? ''))).toEqual([])
      for (const link of await page.locator('[data-testid="message"] a[href]').all()) {
        await expect(link).toHaveAttribute('rel', 'noopener noreferrer')
        await expect(link).toHaveAttribute('target', '_blank')
      }
    }
    // Long enough for a late image request or script to show itself.
    await page.waitForTimeout(1_000)
    expect(dialogs).toEqual([])
    expect(beaconHits).toEqual([])
  })
})

test.describe('accessibility and looks', () => {
  test.beforeEach(async ({ page }) => {
    await signIn(page, accounts.looks)
  })

  async function conversationWithAnswer(page: Page, title: string) {
    const id = await createConversation(page, title)
    await page.goto(`/app/c/${id}`)
    await ask(page, 'How can I **document** a session? A table of `sections` would help.')
    const { lastAnswer } = chat(page)
    await expect(lastAnswer).toHaveAttribute('data-status', 'complete', { timeout: 30_000 })
    await waitUntilStored(lastAnswer)
    return id
  }

  test('the conversation page has no serious or critical axe violations, light and dark', async ({
    page,
  }) => {
    await conversationWithAnswer(page, 'Accessibility')
    await expectNoSeriousAxeViolations(page)
  })

  test('screenshots at desktop and phone width, light and dark', async ({ page }, testInfo) => {
    await conversationWithAnswer(page, 'Screenshots')
    const sizes = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } }
    for (const [name, size] of Object.entries(sizes)) {
      await page.setViewportSize(size)
      for (const colorScheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme })
        const { composer, lastAnswer } = chat(page)
        await expect(composer).toBeVisible()
        await expect(lastAnswer).toBeVisible()
        // The reader was at the bottom, so a resized pane keeps the latest answer in view.
        await expect(lastAnswer.getByRole('button', { name: 'Regenerate' })).toBeInViewport()
        // Nothing sticks out sideways at phone width.
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
        expect(overflow, `${name} ${colorScheme}`).toBeLessThanOrEqual(0)
        await testInfo.attach(`chat-${name}-${colorScheme}.png`, {
          body: await page.screenshot({ fullPage: true }),
          contentType: 'image/png',
        })
      }
    }
  })
})
