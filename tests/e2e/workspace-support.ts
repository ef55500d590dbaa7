// Helpers for the workspace's browser tests: the sidebar's controls by their
// accessible names, so the tests read as a person would use the page.
import { expect, type Locator, type Page } from '@playwright/test'
import type { DemoAccount } from '#infra/local/demo-accounts.ts'
import { signIn } from './support.ts'

/** Menus and dialogs need the page's JavaScript: the app marks <html> once it has hydrated. */
export async function waitForHydration(page: Page) {
  await expect(page.locator('html[data-hydrated="true"]')).toHaveCount(1)
}

/** Signs in (a session made directly, see signIn) and waits until the workspace is interactive. */
export async function signInToWorkspace(
  page: Page,
  account: DemoAccount,
  options: { locale?: 'de' | 'en' | null } = {},
) {
  await signIn(page, account, options)
  await waitForHydration(page)
}

/** Reloads and waits until the page is interactive again. */
export async function reload(page: Page) {
  await page.reload()
  await waitForHydration(page)
}

/** Opens the account menu at the foot of the sidebar and returns it. */
export async function openAccountMenu(page: Page): Promise<Locator> {
  await waitForHydration(page)
  await page.getByRole('button', { name: /^(Account|Konto): / }).click()
  const menu = page.getByRole('menu')
  await expect(menu).toBeVisible()
  return menu
}

/** The sidebar's navigation: folders and conversations. */
export function sidebar(page: Page): Locator {
  return page.getByRole('navigation', { name: 'Folders and conversations' })
}

/** The list of conversations in the sidebar (under its heading: "All conversations", a folder's name…). */
export function conversationList(page: Page): Locator {
  return sidebar(page).locator('section[aria-labelledby="conversations-heading"]')
}

export function conversationLink(page: Page, title: string | RegExp): Locator {
  return conversationList(page).getByRole('link', { name: title })
}

/** The folder row (a link) in the sidebar's folder list. */
export function folderLink(page: Page, name: string): Locator {
  return sidebar(page)
    .locator('section[aria-labelledby="folders-heading"]')
    .getByRole('link', { name: new RegExp(`^${escapeRegExp(name)}( \\d+ conversations?)?$`) })
}

export async function createFolder(page: Page, name: string) {
  await sidebar(page).getByText('New folder', { exact: true }).click()
  await sidebar(page).getByLabel('Folder name').fill(name)
  await sidebar(page).getByRole('button', { name: 'Create folder' }).click()
  await expect(folderLink(page, name)).toBeVisible()
}

/** Clicks "New conversation" in the sidebar and waits for the new conversation's address. */
export async function newConversation(page: Page): Promise<string> {
  const before = page.url()
  await page
    .getByRole('complementary', { name: 'Workspace' })
    .getByRole('button', { name: 'New conversation', exact: true })
    .click()
  await expect(page).not.toHaveURL(before)
  await expect(page).toHaveURL(/\/app\/c\/[0-9a-f-]{36}/)
  return new URL(page.url()).pathname.split('/').at(-1)!
}

/** A conversation's row in the sidebar list, by its id. */
export function conversationRow(page: Page, conversationId: string): Locator {
  return conversationList(page).locator(`li[data-conversation-id="${conversationId}"]`)
}

/** Opens a conversation's menu in the sidebar and picks an entry. */
export async function conversationAction(page: Page, conversationId: string, item: string | RegExp) {
  await conversationRow(page, conversationId)
    .getByRole('button', { name: /^Conversation actions: / })
    .click()
  await page.getByRole('menuitem', { name: item }).click()
}

export async function renameConversation(page: Page, conversationId: string, title: string) {
  await conversationAction(page, conversationId, 'Rename…')
  const dialog = page.getByRole('dialog', { name: 'Rename conversation' })
  await dialog.getByLabel('Title').fill(title)
  await dialog.getByRole('button', { name: 'Save' }).click()
  await expect(dialog).toBeHidden()
  await expect(conversationRow(page, conversationId).getByRole('link')).toContainText(title)
}

/** Moves a conversation into a folder through its menu › Move to folder. */
export async function moveByMenu(page: Page, conversationId: string, folderName: string) {
  await conversationAction(page, conversationId, 'Move to folder')
  await page.getByRole('menuitemradio', { name: folderName }).click()
  await expect(conversationRow(page, conversationId)).toContainText(`in folder ${folderName}`)
}

/** The folder's row in the sidebar, where a dragged conversation is dropped. */
export function dropTarget(page: Page, folderName: string): Locator {
  return sidebar(page).locator(`li[data-drop-target="${folderName.replace(/["\\]/g, '\\$&')}"]`)
}

/** Collects any alert/confirm/prompt the page opens: hostile text must never open one. */
export function watchDialogs(page: Page): string[] {
  const opened: string[] = []
  page.on('dialog', (dialog) => {
    opened.push(`${dialog.type()}: ${dialog.message()}`)
    void dialog.dismiss()
  })
  return opened
}

export function escapeRegExp(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** Records CSP violations (the DOM event and Chromium's console report) from the first script on. */
export async function watchCsp(page: Page): Promise<() => Promise<string[]>> {
  const reported: string[] = []
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) reported.push(message.text())
  })
  await page.addInitScript(() => {
    const seen: string[] = []
    ;(window as unknown as { __csp: string[] }).__csp = seen
    document.addEventListener('securitypolicyviolation', (event) => {
      seen.push(`${event.violatedDirective} ${event.blockedURI}`)
    })
  })
  return async () => [
    ...reported,
    ...(await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? [])),
  ]
}
