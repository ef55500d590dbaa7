// Consultation notes in a real browser against the whole local stack: a therapist fills the
// form, watches the sections stream in, stops one and writes it again, edits a section and finds
// the edit after a reload, signs the note (editing and deleting are then refused), amends it with
// a reason and exports PDF and Word; an admin defines a template a therapist then uses. Hostile
// text in the jottings stays text. Screenshots of the form and a signed note, both widths, both
// languages.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import AxeBuilder from '@axe-core/playwright'
import { expect, test, type Page, type TestInfo } from '@playwright/test'
import { demoAccount, signIn } from './support.ts'

// The draft stream counts against the chat's per-person rate limit: these accounts have room.
const therapist = demoAccount(0, 'therapist', 1) // Clara Conrad, Praxis Nordlicht
const otherTherapist = demoAccount(1, 'therapist', 1) // Frieda Fuchs, Klinik Südhang
const admin = demoAccount(1, 'admin') // Dora Admin, Klinik Südhang

const HOSTILE =
  '<img src="http://127.0.0.1:9/beacon.png" onerror="window.__pwned=1"><script>window.__pwned=2</script>'

async function fillForm(page: Page, template: string, jottings: string) {
  await page.goto('/app/notes/new')
  await page.getByLabel('Patient reference').fill('K-17')
  await page.getByLabel('Kind of session').selectOption('follow_up')
  await page.getByLabel('Duration (minutes)').fill('50')
  await page.getByLabel('Template').selectOption({ label: template })
  await page.getByLabel('Your jottings').fill(jottings)
  await page.getByRole('button', { name: 'Create and draft' }).click()
  await expect(page).toHaveURL(/\/app\/notes\/[0-9a-f-]{36}/)
}

const section = (page: Page, key: string) => page.locator(`[data-testid="note-section"][data-key="${key}"]`)

async function shoot(page: Page, testInfo: TestInfo, name: string) {
  for (const [device, viewport] of Object.entries({
    desktop: { width: 1280, height: 900 },
    phone: { width: 390, height: 844 },
  })) {
    await page.setViewportSize(viewport)
    const path = testInfo.outputPath(`${name}-${device}.png`)
    // The main pane scrolls on its own: show its top, where the form or the sign-off is.
    await page.locator('h1').first().scrollIntoViewIfNeeded()
    await page.screenshot({ path })
    await testInfo.attach(`${name}-${device}`, { path, contentType: 'image/png' })
  }
  await page.setViewportSize({ width: 1280, height: 900 })
}

test('a therapist drafts, stops and rewrites, edits, signs, amends and exports a SOAP note', async ({
  page,
}, testInfo) => {
  test.setTimeout(180_000)
  const beacons: string[] = []
  page.on('request', (request) => {
    if (request.url().includes('beacon')) beacons.push(request.url())
  })
  await signIn(page, therapist)
  await page.goto('/app/notes/new')
  await expect(page.getByText('Please do not enter full names.')).toBeVisible()
  expect(
    (await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze()).violations.map((v) => v.id),
  ).toEqual([])
  await shoot(page, testInfo, 'note-form-en')

  await fillForm(page, 'SOAP', `Sleeps better, less exam anxiety, homework done. ${HOSTILE}`)
  // The sections stream in one after another; the second is stopped while it is being written.
  await expect(section(page, 'objective')).toHaveAttribute('data-status', 'streaming', { timeout: 30_000 })
  await section(page, 'objective').getByRole('button', { name: 'Stop' }).click()
  await expect(section(page, 'objective')).toHaveAttribute('data-status', 'stopped')
  await expect(section(page, 'subjective')).toHaveAttribute('data-status', 'complete')
  await expect(section(page, 'assessment')).toHaveAttribute('data-status', 'idle')

  await section(page, 'objective')
    .getByRole('button', { name: /Write again/ })
    .click()
  await expect(section(page, 'objective')).toHaveAttribute('data-status', 'complete', { timeout: 30_000 })
  await page.getByRole('button', { name: 'Draft the remaining sections' }).click()
  for (const key of ['assessment', 'plan', 'next_steps', 'patient_letter']) {
    await expect(section(page, key)).toHaveAttribute('data-status', 'complete', { timeout: 60_000 })
  }

  // Edited in place, saved by itself, there after a reload.
  const plan = section(page, 'plan').getByRole('textbox')
  await plan.fill('Two more sessions; sleep diary. Edited by hand.')
  await expect(section(page, 'plan').getByTestId('save-state')).toHaveText('Saved')
  await page.reload()
  await expect(section(page, 'plan').getByRole('textbox')).toHaveValue(
    'Two more sessions; sleep diary. Edited by hand.',
  )

  // The jottings are text, never markup: nothing ran and no beacon was asked for.
  await page.getByText('Jottings', { exact: true }).click()
  await expect(page.getByTestId('note-jottings')).toContainText('<script>window.__pwned=2</script>')
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined()

  // Signing locks it: no editor, no delete; the API refuses both.
  const noteId = page.url().match(/notes\/([0-9a-f-]{36})/)![1]!
  await page.getByRole('button', { name: 'Sign note' }).click()
  await page.getByRole('group').getByRole('button', { name: 'Sign note' }).click()
  await expect(page.getByTestId('sign-off')).toContainText('Signed by Clara Conrad')
  await expect(page.getByTestId('integrity')).toHaveText('The content matches its signature.')
  await expect(page.locator('[data-testid="note-section"] textarea')).toHaveCount(0)
  await expect(page.getByRole('button', { name: 'Delete draft…' })).toHaveCount(0)
  const sectionId = (await page.request
    .get(`/api/trpc/notes.get?input=${encodeURIComponent(JSON.stringify({ noteId }))}`)
    .then((r) => r.json())) as { result: { data: { sections: Array<{ id: string }> } } }
  const edit = await page.request.post('/api/trpc/notes.updateSection', {
    data: { sectionId: sectionId.result.data.sections[0]!.id, content: 'changed' },
  })
  expect([edit.status(), ((await edit.json()) as { error: { message: string } }).error.message]).toEqual([
    409,
    'note_signed',
  ])
  const remove = await page.request.post('/api/trpc/notes.delete', { data: { noteId } })
  expect(remove.status()).toBe(409)

  // A correction is an amendment with a reason; the history shows it.
  await section(page, 'assessment').getByRole('button', { name: /Amend/ }).click()
  await page.getByLabel('Reason for the amendment').fill('Wrong score noted')
  // The amended text carries hostile markup, as a model's output might: it is shown as text.
  await section(page, 'assessment')
    .getByRole('textbox', { name: 'Assessment' })
    .fill(`Corrected assessment. ${HOSTILE}`)
  await page.getByRole('button', { name: 'Save amendment' }).click()
  await expect(section(page, 'assessment').getByTestId('section-text')).toContainText(
    'Corrected assessment. <img src=',
  )
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined()
  await page.getByTestId('note-history').locator('summary').click()
  await expect(page.getByTestId('note-history')).toContainText('Reason: Wrong score noted')
  await expect(page.getByTestId('sign-off')).toContainText('Amended on')
  await shoot(page, testInfo, 'note-signed-en')

  // Exports: the PDF's and the Word file's text hold every section.
  const dir = mkdtempSync(join(tmpdir(), 'e2e-note-'))
  try {
    const titles = await page.locator('[data-testid="note-section"] h2').allTextContents()
    const pdf = await page.request.get(`/app/notes/${noteId}/export/pdf`)
    expect(pdf.headers()['content-type']).toBe('application/pdf')
    writeFileSync(join(dir, 'note.pdf'), await pdf.body())
    const docx = await page.request.get(`/app/notes/${noteId}/export/docx`)
    writeFileSync(join(dir, 'note.docx'), await docx.body())
    const pdfText = execFileSync('pdftotext', [join(dir, 'note.pdf'), '-']).toString()
    const docxText = execFileSync('unzip', ['-p', join(dir, 'note.docx'), 'word/document.xml'])
      .toString()
      .replace(/<[^>]+>/g, ' ')
    for (const text of [pdfText, docxText]) {
      for (const title of titles) expect(text).toContain(title)
      expect(text).toContain('Corrected assessment.')
      expect(text).toContain('Praxis Nordlicht')
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  expect(beacons).toEqual([])

  // The workspace search finds notes too.
  await page.goto('/app/search?q=anxiety')
  await expect(page.getByTestId('note-hits')).toContainText('K-17')

  // The same signed note in German.
  await page.goto('/app')
  await page.request.post('/api/trpc/me.updatePreferences', { data: { locale: 'de' } })
  await page.goto(`/app/notes/${noteId}`)
  await expect(page.getByTestId('sign-off')).toContainText('Signiert von Clara Conrad')
  await shoot(page, testInfo, 'note-signed-de')
  await page.goto('/app/notes/new')
  await expect(page.getByText('Bitte keine vollständigen Namen eingeben.')).toBeVisible()
  await shoot(page, testInfo, 'note-form-de')
  await page.request.post('/api/trpc/me.updatePreferences', { data: { locale: 'en' } })
})

test("another clinician's and another clinic's notes answer 404", async ({ browser }) => {
  const pageA = await browser.newPage()
  await signIn(pageA, therapist)
  const created = await pageA.request.post('/api/trpc/notes.create', {
    data: { patientRef: 'X-1', sessionKind: 'first', durationMinutes: 30, jottings: 'kurz', template: 'dap' },
  })
  const noteId = ((await created.json()) as { result: { data: { id: string } } }).result.data.id
  const pageB = await browser.newPage()
  await signIn(pageB, otherTherapist)
  expect((await pageB.goto(`/app/notes/${noteId}`))!.status()).toBe(404)
  expect((await pageB.request.get(`/app/notes/${noteId}/export/pdf`)).status()).toBe(404)
  await pageA.request.post('/api/trpc/notes.delete', { data: { noteId } })
})

test('an admin defines a clinic template that a therapist then uses', async ({ browser }) => {
  test.setTimeout(120_000)
  const adminPage = await browser.newPage()
  await signIn(adminPage, admin)
  await adminPage.goto('/app/notes/templates')
  const name = `Verlauf ${Date.now()}`
  await adminPage.getByLabel('Template name').fill(name)
  await adminPage.getByLabel('Section title 1').fill('Themen')
  await adminPage
    .getByLabel('Instruction for the assistant 1')
    .fill('Die besprochenen Themen in Stichpunkten.')
  await adminPage.getByRole('button', { name: 'Add section' }).click()
  await adminPage.getByLabel('Section title 2').fill('Ressourcen')
  await adminPage.getByLabel('Instruction for the assistant 2').fill('Stärken und Ressourcen der Person.')
  await adminPage.getByRole('button', { name: 'Save template' }).click()
  await expect(adminPage.getByRole('heading', { name })).toBeVisible()

  const page = await browser.newPage()
  await signIn(page, otherTherapist)
  await fillForm(page, name, 'Hat über Arbeit und Familie gesprochen.')
  await expect(page.locator('[data-testid="note-section"] h2')).toHaveText([
    'Themen',
    'Ressourcen',
    'Next steps',
    'Letter to the patient',
  ])
  for (const key of ['themen', 'ressourcen', 'next_steps', 'patient_letter']) {
    await expect(section(page, key)).toHaveAttribute('data-status', 'complete', { timeout: 60_000 })
  }
  // Admins read no one's notes: the template page shows templates, the sidebar the admin's own notes.
  await adminPage.getByRole('button', { name: `Delete template ${name}` }).click()
  await expect(adminPage.getByRole('heading', { name })).toHaveCount(0)
})
