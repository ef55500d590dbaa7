// Search from the sidebar: ranked results with highlighted matches, German word
// forms, message text as well as titles, and results that open the conversation.
import { expect, test } from '@playwright/test'
import { demoAccount } from './support.ts'
import {
  conversationRow,
  newConversation,
  reload,
  renameConversation,
  signInToWorkspace,
} from './workspace-support.ts'

test('search finds an inflected German word in a title and in a message, highlights it and opens the conversation', async ({
  page,
}) => {
  const suffix = Date.now().toString(36)
  await signInToWorkspace(page, demoAccount(0, 'therapist', 1))

  // Search state is in the address, before anything is typed too.
  await page.goto('/app/search')
  await expect(page.getByRole('heading', { level: 1, name: 'Search' })).toBeVisible()
  await expect(page.getByText('German and English word forms match each other')).toBeVisible()

  const id = await newConversation(page)
  // Message text through the real chat stream, answered by the local Azure OpenAI simulator.
  const chat = await page.request.post(`/api/chat/${id}`, {
    data: { content: `Welche Übungen helfen bei Schlafstörungen nach dem Schichtdienst? ${suffix}` },
  })
  expect(chat.status()).toBe(200)
  expect(await chat.text()).toContain('event: done')
  await reload(page)
  const title = `Therapien im Herbst ${suffix}`
  await renameConversation(page, id, title)

  const search = page.getByRole('searchbox', { name: 'Search conversations' })
  await search.fill('Therapie')
  await search.press('Enter')
  await expect(page).toHaveURL(/\/app\/search\?q=Therapie$/)
  await expect(page).toHaveTitle('Search: Therapie · ClinAI')
  const results = page.getByRole('list', { name: 'Search results' })
  const hit = results.getByRole('link', { name: new RegExp(title) })
  await expect(hit).toBeVisible()
  await expect(hit.locator('mark')).toHaveText(['Therapien'])
  await expect(hit).toContainText('Matched the title')

  // The search survives a reload: it is in the address.
  await reload(page)
  await expect(page.getByRole('searchbox', { name: 'Search conversations' })).toHaveValue('Therapie')
  await expect(hit.locator('mark')).toHaveText(['Therapien'])

  await hit.click()
  await expect(page).toHaveURL(new RegExp(`/app/c/${id}$`))
  await expect(conversationRow(page, id).getByRole('link')).toHaveAttribute('aria-current', 'page')

  // A word from the message, in another form than was written.
  await search.fill('Schlafstörung')
  await search.press('Enter')
  const messageHit = results.getByRole('link', { name: new RegExp(title) })
  await expect(messageHit).toContainText('Matched a message')
  await expect(messageHit.locator('mark').first()).toHaveText('Schlafstörungen')

  // Nothing found says so, and what to try.
  await search.fill(`Zebrastreifen${suffix}`)
  await search.press('Enter')
  await expect(page.getByText(`No conversation matches “Zebrastreifen${suffix}”.`)).toBeVisible()
  await expect(page.getByText('Try another word, fewer words')).toBeVisible()
})
