// The workspace sidebar in a real browser: folders, conversations, moving by
// menu and by drag, deleting with confirmation, and hostile names kept as text.
import { expect, test, type Route } from '@playwright/test'
import { demoAccount, setLocale } from './support.ts'
import {
  conversationAction,
  conversationList,
  conversationRow,
  createFolder,
  dropTarget,
  folderLink,
  moveByMenu,
  newConversation,
  reload,
  renameConversation,
  signInToWorkspace,
  watchDialogs,
} from './workspace-support.ts'

test('a therapist files a conversation in a folder by menu and by drag, finds it after a reload and deletes it', async ({
  page,
}) => {
  const dialogs = watchDialogs(page)
  const suffix = Date.now().toString(36)
  const folderName = `Case reviews ${suffix}`
  const title = `Sleep and anxiety plan ${suffix}`
  await signInToWorkspace(page, demoAccount(0, 'therapist', 0))

  await createFolder(page, folderName)
  await expect(folderLink(page, folderName)).toHaveAccessibleName(`${folderName} 0 conversations`)

  const id = await newConversation(page)
  const row = conversationRow(page, id)
  // The new conversation is first in the list and marked as the open one.
  await expect(conversationList(page).locator('li').first()).toHaveAttribute('data-conversation-id', id)
  await expect(row.getByRole('link')).toHaveAttribute('aria-current', 'page')
  // Named by its title alone; when it was last active is the link's description.
  await expect(row.getByRole('link')).toHaveAccessibleName('New conversation')

  // A blank title is refused by the API and the dialog says why.
  await conversationAction(page, id, 'Rename…')
  const renameDialog = page.getByRole('dialog', { name: 'Rename conversation' })
  await renameDialog.getByLabel('Title').fill('   ')
  await renameDialog.getByRole('button', { name: 'Save' }).click()
  await expect(renameDialog.getByRole('alert')).toHaveText('This cannot be empty.')
  await renameDialog.getByRole('button', { name: 'Cancel' }).click()
  await expect(renameDialog).toBeHidden()

  await renameConversation(page, id, title)
  await expect(page).toHaveURL(new RegExp(`/app/c/${id}$`))

  // Move into the folder through the conversation's menu.
  await row.getByRole('button', { name: `Conversation actions: ${title}` }).click()
  await page.getByRole('menuitem', { name: 'Move to folder' }).click()
  await page.getByRole('menuitemradio', { name: folderName }).click()
  await expect(row).toContainText(`in folder ${folderName}`)
  await expect(folderLink(page, folderName)).toHaveAccessibleName(`${folderName} 1 conversation`)

  // Drag it out to "No folder", then back onto the folder.
  await row.dragTo(dropTarget(page, 'No folder'))
  await expect(row).not.toContainText('in folder')
  await expect(folderLink(page, folderName)).toHaveAccessibleName(`${folderName} 0 conversations`)
  await row.dragTo(dropTarget(page, folderName))
  await expect(row).toContainText(`in folder ${folderName}`)
  await expect(folderLink(page, folderName)).toHaveAccessibleName(`${folderName} 1 conversation`)

  // After a reload the folder view lists it.
  await reload(page)
  await folderLink(page, folderName).click()
  await expect(page).toHaveURL(/\?folder=/)
  await expect(page.locator('#conversations-heading')).toHaveText(folderName)
  await expect(conversationList(page).locator('li')).toHaveCount(1)
  await expect(conversationRow(page, id).getByRole('link')).toHaveAccessibleName(title)

  // Delete asks first; cancelling keeps it.
  await conversationAction(page, id, 'Delete…')
  const confirm = page.getByRole('alertdialog', { name: `Delete “${title}”?` })
  await expect(confirm).toContainText('cannot be undone')
  await confirm.getByRole('button', { name: 'Cancel' }).click()
  await expect(confirm).toBeHidden()
  await expect(conversationRow(page, id)).toBeVisible()

  await conversationAction(page, id, 'Delete…')
  await confirm.getByRole('button', { name: 'Delete conversation' }).click()
  await expect(confirm).toBeHidden()
  await expect(conversationRow(page, id)).toHaveCount(0)
  // It was the open conversation, so the start page shows, still in the folder's view.
  await expect(page).toHaveURL(/\/app\?folder=/)
  await expect(page.getByRole('heading', { level: 1, name: 'Start a new conversation' })).toBeVisible()
  await expect(conversationList(page)).toContainText('This folder is empty.')

  await reload(page)
  await expect(conversationRow(page, id)).toHaveCount(0)
  expect(dialogs).toEqual([])
})

test('deleting a folder asks first and moves its conversations to "No folder"', async ({ page }) => {
  const dialogs = watchDialogs(page)
  const suffix = Date.now().toString(36)
  const folderName = `To tidy ${suffix}`
  await signInToWorkspace(page, demoAccount(0, 'therapist', 0))
  await createFolder(page, folderName)
  const id = await newConversation(page)
  await moveByMenu(page, id, folderName)

  await dropTarget(page, folderName)
    .getByRole('button', { name: `Folder actions: ${folderName}` })
    .click()
  await page.getByRole('menuitem', { name: 'Delete…' }).click()
  const confirm = page.getByRole('alertdialog', { name: `Delete the folder “${folderName}”?` })
  await expect(confirm).toContainText('Its conversation moves to “No folder”; no conversation is deleted.')
  await confirm.getByRole('button', { name: 'Delete folder' }).click()
  await expect(confirm).toBeHidden()
  await expect(folderLink(page, folderName)).toHaveCount(0)

  await folderLink(page, 'No folder').click()
  await expect(page.locator('#conversations-heading')).toHaveText('No folder')
  await expect(conversationRow(page, id)).toBeVisible()
  expect(dialogs).toEqual([])
})

test('hostile text in titles and folder names shows as text and runs nothing', async ({ page }) => {
  const dialogs = watchDialogs(page)
  const hostile = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', 'javascript:alert(1)']
  await signInToWorkspace(page, demoAccount(0, 'therapist', 0))

  const ids: string[] = []
  for (const text of hostile) {
    await createFolder(page, text)
    const id = await newConversation(page)
    await renameConversation(page, id, text)
    ids.push(id)
  }
  await reload(page)
  for (const [index, text] of hostile.entries()) {
    await expect(folderLink(page, text)).toBeVisible()
    const link = conversationRow(page, ids[index]!).getByRole('link')
    await expect(link).toContainText(text)
    // The link goes to the conversation, never to what the title says.
    await expect(link).toHaveAttribute('href', new RegExp(`^/app/c/${ids[index]}`))
  }
  // Nothing the text spelled out became an element.
  await expect(page.locator('img[src="x"]')).toHaveCount(0)
  await expect(page.locator('body script:not([src])', { hasText: 'alert(1)' })).toHaveCount(0)

  // Search shows them as text too, with the match highlighted inside the text.
  await page.getByRole('searchbox', { name: 'Search conversations' }).fill('alert')
  await page.getByRole('searchbox', { name: 'Search conversations' }).press('Enter')
  await expect(page).toHaveURL(/\/app\/search\?q=alert/)
  const results = page.getByRole('list', { name: 'Search results' })
  // PostgreSQL's text parser skips what sits between <script> tags, so that title is not found by its words.
  for (const text of hostile.slice(1)) {
    await expect(results.getByRole('link', { name: text })).toBeVisible()
  }
  await expect(results.locator('mark').first()).toHaveText('alert')
  await expect(page.locator('img[src="x"]')).toHaveCount(0)

  // Open and rename dialogs show the hostile text as a value, not markup.
  await conversationAction(page, ids[1]!, 'Rename…')
  await expect(page.getByRole('dialog', { name: 'Rename conversation' }).getByLabel('Title')).toHaveValue(
    hostile[1]!,
  )
  await page.keyboard.press('Escape')
  expect(dialogs).toEqual([])
})

test('the list shows 30 conversations at a time and "Load more" pages on with the cursor', async ({
  page,
}) => {
  const suffix = Date.now().toString(36)
  // The demo admins start with no conversations of their own.
  await signInToWorkspace(page, demoAccount(1, 'admin'))
  await expect(conversationList(page)).toContainText(
    'No conversations yet. Start one with “New conversation” above.',
  )
  await expect(page.getByRole('heading', { level: 1, name: 'Start a new conversation' })).toBeVisible()

  // 32 conversations through the API a script would use, with this browser's session.
  for (let index = 0; index < 32; index++) {
    const created = await page.request.post('/api/trpc/conversations.create', {
      data: { title: `Batch ${suffix} ${String(index).padStart(2, '0')}` },
    })
    expect(created.status()).toBe(200)
  }
  await reload(page)
  const rows = conversationList(page).locator('li')
  await expect(rows).toHaveCount(30)
  // Newest first.
  await expect(rows.first()).toContainText(`Batch ${suffix} 31`)
  await expect(rows.last()).toContainText(`Batch ${suffix} 02`)

  await page.getByRole('link', { name: 'Load more' }).click()
  await expect(page).toHaveURL(/[?&]pages=2/)
  await expect(rows).toHaveCount(32)
  await expect(rows.last()).toContainText(`Batch ${suffix} 00`)
  await expect(page.getByRole('link', { name: 'Load more' })).toHaveCount(0)

  // Opening a conversation keeps the longer list; so does a reload.
  await conversationList(page)
    .getByRole('link', { name: `Batch ${suffix} 00` })
    .click()
  await expect(page).toHaveURL(/\/app\/c\/[0-9a-f-]{36}\?pages=2$/)
  await reload(page)
  await expect(rows).toHaveCount(32)
})

const UNAVAILABLE = {
  en: { title: 'ClinAI is briefly unavailable', text: 'Nothing is lost', again: 'Try again' },
  de: {
    title: 'ClinAI ist kurz nicht erreichbar',
    text: 'Nichts geht verloren',
    again: 'Noch einmal versuchen',
  },
}

for (const locale of ['en', 'de'] as const) {
  test(`a pane whose data is briefly unavailable (503) says so and loads again (${locale})`, async ({
    page,
  }) => {
    const words = UNAVAILABLE[locale]
    await signInToWorkspace(page, demoAccount(0, 'therapist', 0))
    const first = await newConversation(page)
    const second = await newConversation(page)
    if (locale === 'de') {
      await setLocale(page, 'de')
      await reload(page)
    }
    // The conversation's data request answers 503 as the app answers it while its database
    // is unreachable (a thrown response: X-Remix-Catch, Retry-After, the code); the sidebar's
    // data is not asked for again on this navigation.
    const conversationData = /\/app\/c\/[^/?]+\?.*_data=/
    const unavailable = (route: Route) =>
      route.fulfill({
        status: 503,
        headers: { 'retry-after': '5', 'x-remix-catch': 'yes' },
        contentType: 'application/json',
        body: JSON.stringify({ code: 'database_unavailable' }),
      })
    // By id: the sidebar's accessible names are in the page's language.
    const row = (id: string) => page.locator(`li[data-conversation-id="${id}"] a`).first()
    await page.route(conversationData, unavailable)
    await row(first).click()
    const pane = page.getByTestId('conversation-error')
    await expect(pane.getByRole('heading', { name: words.title })).toBeVisible()
    await expect(pane).toContainText(words.text)
    await expect(row(second)).toBeVisible()
    await page.screenshot({ path: test.info().outputPath(`pane-unavailable-${locale}.png`) })

    await page.unroute(conversationData, unavailable)
    await pane.getByRole('link', { name: words.again }).click()
    await expect(page).toHaveURL(new RegExp(`/app/c/${first}$`))
    await expect(page.getByTestId('conversation-error')).toHaveCount(0)
    await expect(row(first)).toHaveAttribute('aria-current', 'page')
  })
}
