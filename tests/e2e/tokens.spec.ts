// Personal access tokens from the account menu: created with a name and shown
// once, listed, usable by a script, and revoked after confirming.
import { expect, test } from '@playwright/test'
import { demoAccount } from './support.ts'
import { openAccountMenu, signInToWorkspace } from './workspace-support.ts'

test('a token is created and shown once, works for a script, is listed and revoked', async ({
  page,
  context,
  request,
}) => {
  const name = `Reporting script ${Date.now().toString(36)}`
  const account = demoAccount(1, 'therapist', 1)
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
  await signInToWorkspace(page, account)

  await openAccountMenu(page)
  await page.getByRole('menuitem', { name: 'Personal access tokens…' }).click()
  const dialog = page.getByRole('dialog', { name: 'Personal access tokens' })
  await expect(dialog).toBeVisible()

  // A blank name is refused by the API, shown beside the field.
  await dialog.getByLabel('Token name').fill('  ')
  await dialog.getByRole('button', { name: 'Create token' }).click()
  await expect(dialog.getByRole('alert')).toHaveText('This cannot be empty.')

  await dialog.getByLabel('Token name').fill(name)
  await dialog.getByLabel('Expires').selectOption('30')
  await dialog.getByRole('button', { name: 'Create token' }).click()
  const secret = dialog.getByLabel('New token')
  await expect(secret).toHaveValue(/^clinai_pat_/)
  const token = await secret.inputValue()
  await expect(dialog).toContainText('It is shown only this once')

  await dialog.getByRole('button', { name: 'Copy' }).click()
  await expect(dialog.getByText('Copied to the clipboard.')).toBeVisible()
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token)

  const row = dialog.locator(`li[data-token-name="${name}"]`)
  await expect(row).toContainText('never used')
  await expect(row).toContainText('expires')

  // The token calls the API as this person.
  const me = await request.get('/api/trpc/me.get', { headers: { authorization: `Bearer ${token}` } })
  expect(me.status()).toBe(200)
  expect((await me.json()).result.data.user.email).toBe(account.email)

  // Closed and opened again, the secret is gone for good; the token is still listed.
  await page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()
  await openAccountMenu(page)
  await page.getByRole('menuitem', { name: 'Personal access tokens…' }).click()
  await expect(row).toBeVisible()
  await expect(dialog.getByLabel('New token')).toHaveCount(0)
  expect(await page.content()).not.toContain(token)

  // Revoking asks first.
  await row.getByRole('button', { name: `Revoke ${name}` }).click()
  const confirm = page.getByRole('alertdialog', { name: `Revoke the token “${name}”?` })
  await expect(confirm).toContainText('Scripts that use it stop working at once.')
  await confirm.getByRole('button', { name: 'Revoke token' }).click()
  await expect(confirm).toBeHidden()
  await expect(row).toContainText('Revoked')
  await expect(row.getByRole('button', { name: `Revoke ${name}` })).toHaveCount(0)

  const refused = await request.get('/api/trpc/me.get', { headers: { authorization: `Bearer ${token}` } })
  expect(refused.status()).toBe(401)
})

test('the account menu shows who I am and my token use against the clinic budget', async ({ page }) => {
  const account = demoAccount(1, 'therapist', 1)
  await signInToWorkspace(page, account)
  const menu = await openAccountMenu(page)
  await expect(menu.getByTestId('whoami')).toContainText(account.name)
  await expect(menu.getByTestId('whoami')).toContainText(account.email)
  await expect(menu.getByTestId('role')).toHaveText('therapist')
  await expect(menu.getByTestId('usage')).toHaveText(
    /^You: [\d,]+ tokens? \([\d.]+% of the budget\)\.Clinic: [\d,]+ of [\d,]+ \([\d.]+%\), [\d,]+ left in [A-Z][a-z]+ \d{4}\.$/,
  )
  // Screen readers hear who I am and my usage as the menu's description.
  await expect(menu).toHaveAccessibleDescription(
    new RegExp(`Signed in as ${account.name}.*Your tokens this month`),
  )
  // Escape closes the menu and gives focus back to its button.
  await page.keyboard.press('Escape')
  await expect(menu).toBeHidden()
  await expect(page.getByRole('button', { name: `Account: ${account.name}` })).toBeFocused()
})
