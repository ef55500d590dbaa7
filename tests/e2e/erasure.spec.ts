// An admin erases a person who left, from the People page: a wrong confirmation is
// refused beside its field, the right one starts the job, and the receipt (counts
// only) is downloaded once it is done. The person is made for this test, so no other
// spec's demo account is touched.
import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { expect, test } from '@playwright/test'
import { demoClinics } from '#infra/local/demo-accounts.ts'
import { demoAccount, ownerDatabase } from './support.ts'
import { signInToWorkspace, waitForHydration } from './workspace-support.ts'

const admin = demoAccount(1, 'admin')
const clinic = demoClinics[1]!

test('an admin erases a person and downloads the receipt', async ({ page }, testInfo) => {
  // A colleague who has left, with a conversation of two messages.
  const leaver = { id: randomUUID(), name: `Lena Leaving ${randomUUID().slice(0, 4)}` }
  const owner = ownerDatabase()
  try {
    await owner.client`
      insert into users (tenant_id, id, email, name, role)
      values (${clinic.tenantId}, ${leaver.id}, ${`${leaver.id}@suedhang.example`}, ${leaver.name}, 'therapist')`
    const [conversation] = await owner.client`
      insert into conversations (tenant_id, owner_user_id, title)
      values (${clinic.tenantId}, ${leaver.id}, 'Übergabe') returning id`
    await owner.client`
      insert into messages (tenant_id, conversation_id, owner_user_id, role, content)
      values (${clinic.tenantId}, ${conversation!.id}, ${leaver.id}, 'user', 'Notizen zur Übergabe'),
             (${clinic.tenantId}, ${conversation!.id}, ${leaver.id}, 'assistant', 'Gern.')`
  } finally {
    await owner.close()
  }

  await signInToWorkspace(page, admin)
  await page.goto('/app/settings/people')
  await waitForHydration(page)
  const section = page.getByRole('region', { name: 'Erase a person' })
  await section.getByLabel('Person').selectOption({ value: leaver.id })

  // A confirmation that names someone else is refused beside the field; nothing starts.
  await section.getByLabel('Type their name or email to confirm').fill('Someone Else')
  await section.getByRole('button', { name: 'Erase for good' }).click()
  await expect(section.getByText('The confirmation does not name this person.')).toBeVisible()

  await section.getByLabel('Person').selectOption({ value: leaver.id })
  await section.getByLabel('Type their name or email to confirm').fill(leaver.name)
  await section.getByRole('button', { name: 'Erase for good' }).click()
  await expect(page.getByRole('status')).toContainText('The erasure has started')

  // The job runs in the app; the receipt shows once it is done.
  // (Listed by the placeholder name now: the person's own name is gone.)
  const receipt = section.locator(`li[data-erasure-status="done"][data-subject="${leaver.id}"]`)
  await expect(async () => {
    await page.reload()
    await expect(receipt).toBeVisible({ timeout: 1_000 })
  }).toPass({ timeout: 30_000 })

  const [file] = await Promise.all([
    page.waitForEvent('download'),
    receipt.getByRole('link', { name: 'Download receipt' }).click(),
  ])
  const downloaded = JSON.parse(await readFile((await file.path())!, 'utf8')) as {
    subjectUserId: string
    status: string
    removed: { tables: Record<string, number> }
  }
  expect(downloaded).toMatchObject({ subjectUserId: leaver.id, status: 'done' })
  expect(downloaded.removed.tables).toMatchObject({ conversations: 1, messages: 2 })
  // The page shows the same count of removed rows (the person's own row is kept, pseudonymised).
  const removed = Object.entries(downloaded.removed.tables)
    .filter(([table]) => table !== 'users_pseudonymised')
    .reduce((sum, [, n]) => sum + n, 0)
  await expect(receipt).toContainText(`${removed} rows`)
  // In the list the person is marked erased, with nothing left to change.
  const listed = page.locator(`li[data-person-id="${leaver.id}"]`)
  await expect(listed).toContainText('Erased person')
  await expect(listed.getByText('erased', { exact: true })).toBeVisible()
  await expect(listed.getByRole('button')).toHaveCount(0)
  await expect(listed.getByRole('combobox')).toHaveCount(0)
  await listed.scrollIntoViewIfNeeded()
  const shot = testInfo.outputPath('people-after-erasure.png')
  await page.screenshot({ path: shot, fullPage: true })
  await testInfo.attach('people-after-erasure', { path: shot, contentType: 'image/png' })
  // Counts only: no title, no message text, no name in the receipt.
  const text = JSON.stringify(downloaded)
  for (const secret of ['Übergabe', 'Notizen', leaver.name]) expect(text).not.toContain(secret)

  const check = ownerDatabase()
  try {
    const [left] =
      await check.client`select count(*)::int as n from conversations where owner_user_id = ${leaver.id}`
    expect(left!.n).toBe(0)
    const [person] = await check.client`select name from users where id = ${leaver.id}`
    expect(person!.name).toBe('Erased person')
  } finally {
    await check.close()
  }
})
