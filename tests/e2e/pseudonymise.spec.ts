// Pseudonymisation as a clinician and an admin meet it in the browser, against the whole local
// stack: a therapist asks about a patient by name, reads the name in the streamed and the stored
// answer, and opens "What the model saw" to find placeholders there instead; an admin switches
// the clinic setting off and on again. Captured in German and English, desktop and phone width.
import { expect, test, type Page } from '@playwright/test'
import { demoAccount, signIn } from './support.ts'
import { waitForHydration } from './workspace-support.ts'
import { expectNoSeriousViolations } from './axe.ts'

const frieda = demoAccount(1, 'therapist', 1)
const dora = demoAccount(1, 'admin')

test.describe.configure({ mode: 'serial' })

async function api<T>(page: Page, path: string, input?: unknown): Promise<T> {
  const response =
    input === undefined
      ? await page.request.get(`/api/trpc/${path}`)
      : await page.request.post(`/api/trpc/${path}`, { data: input })
  expect(response.status(), path).toBe(200)
  return ((await response.json()) as { result: { data: T } }).result.data
}

const QUESTIONS = {
  en: {
    text: 'Mrs Winter (born 03/04/1980) is afraid of her exams. How can I support Mrs Winter?',
    open: 'What the model saw',
    close: 'Close',
    pseudonymised: 'Patient details were replaced with placeholders.',
  },
  de: {
    text: 'Frau Winter (geb. 03.04.1980) hat Prüfungsangst. Wie kann ich Frau Winter unterstützen?',
    open: 'Was das Modell gesehen hat',
    close: 'Schließen',
    pseudonymised: 'Patientendaten wurden durch Platzhalter ersetzt.',
  },
} as const

for (const locale of ['en', 'de'] as const) {
  test(`a therapist reads the name in the answer, and sees placeholders in what the model saw (${locale})`, async ({
    page,
  }, testInfo) => {
    const q = QUESTIONS[locale]
    await signIn(page, frieda, { locale })
    const { id } = await api<{ id: string }>(page, 'conversations.create', {})
    try {
      await page.goto(`/app/c/${id}`)
      await waitForHydration(page)
      const composer = page.getByRole('textbox', {
        name: locale === 'en' ? 'Message' : 'Nachricht',
        exact: true,
      })
      await composer.fill(q.text)
      await composer.press('Enter')
      const answer = page.getByTestId('message').and(page.locator('[data-role="assistant"]')).last()
      // While it streams, and once stored: the clinician reads the name, never a placeholder.
      await expect(answer).toContainText('Winter', { timeout: 20_000 })
      await expect(answer).toHaveAttribute('data-status', 'complete', { timeout: 20_000 })
      await expect(answer).not.toHaveAttribute('data-live', 'true', { timeout: 20_000 })
      await expect(answer).not.toContainText('[PERSON_')
      await page.reload()
      await expect(
        page.getByTestId('message').and(page.locator('[data-role="assistant"]')).last(),
      ).toContainText('Winter')
      await expect(page.getByTestId('message').and(page.locator('[data-role="user"]')).last()).toContainText(
        'Winter',
      )

      await waitForHydration(page)
      await page.getByRole('button', { name: q.open }).click()
      const dialog = page.getByRole('dialog', { name: q.open })
      await expect(dialog).toBeVisible()
      await expect(dialog.getByText(q.pseudonymised)).toBeVisible()
      const sent = dialog.getByTestId('model-view-text')
      await expect(sent.filter({ hasText: '[PERSON_1]' }).first()).toBeVisible()
      await expect(sent.filter({ hasText: '[DATE_1]' }).first()).toBeVisible()
      for (const text of await sent.allTextContents()) {
        expect(text).not.toContain('Winter')
        expect(text).not.toContain('1980')
      }
      await expectNoSeriousViolations(page, testInfo, `model-view-${locale}`)
      for (const [width, viewport] of [
        ['desktop', { width: 1280, height: 900 }],
        ['phone', { width: 390, height: 844 }],
      ] as const) {
        await page.setViewportSize(viewport)
        await testInfo.attach(`model-view-${locale}-${width}.png`, {
          body: await page.screenshot(),
          contentType: 'image/png',
        })
      }
      await dialog.getByRole('button', { name: q.close }).click()
      await expect(dialog).toBeHidden()
      await page.setViewportSize({ width: 1280, height: 900 })
      await testInfo.attach(`chat-answer-${locale}.png`, {
        body: await page.screenshot(),
        contentType: 'image/png',
      })
    } finally {
      await api(page, 'conversations.delete', { conversationId: id })
    }
  })
}

test('a note shows what the model saw for each section: the patient reference and names as placeholders', async ({
  page,
}, testInfo) => {
  await signIn(page, frieda, { locale: 'de' })
  const note = await api<{ id: string; sections: Array<{ id: string; title: string }> }>(
    page,
    'notes.create',
    {
      patientRef: 'FW-0815',
      sessionDate: '2026-03-02',
      sessionKind: 'follow_up',
      durationMinutes: 50,
      jottings: 'Frau Winter berichtet, ihr Sohn Lukas schlafe schlecht. Rückruf unter 0171 2345678.',
      template: 'soap',
      locale: 'de',
    },
  )
  try {
    const drafted = await page.request.post(`/api/notes/${note.id}/draft`, { data: {} })
    expect(drafted.status()).toBe(200)
    expect(await drafted.text()).toContain('"type":"done"')
    await page.goto(`/app/notes/${note.id}`)
    await waitForHydration(page)
    // The sections keep the reference and the names, never their placeholders.
    const stored = await api<{ sections: Array<{ content: string }> }>(
      page,
      `notes.get?input=${encodeURIComponent(JSON.stringify({ noteId: note.id }))}`,
    )
    const text = stored.sections.map((section) => section.content).join('\n')
    expect(text).toContain('FW-0815')
    expect(text).not.toMatch(/\[(?:REF|PERSON|PHONE)_\d+\]/)
    await page.getByRole('button', { name: 'Was das Modell gesehen hat' }).click()
    const dialog = page.getByRole('dialog', { name: 'Was das Modell gesehen hat' })
    await expect(dialog.getByRole('heading', { name: note.sections[0]!.title })).toBeVisible()
    const sent = (await dialog.getByTestId('model-view-text').allTextContents()).join('\n')
    expect(sent).toContain('Patient reference: [REF_1]')
    expect(sent).toContain('Frau [PERSON_1]')
    for (const detail of ['FW-0815', 'Winter', 'Lukas', '0171 2345678']) expect(sent).not.toContain(detail)
    await expectNoSeriousViolations(page, testInfo, 'note-model-view-de')
    await page.setViewportSize({ width: 1280, height: 900 })
    await testInfo.attach('note-model-view-de.png', {
      body: await page.screenshot(),
      contentType: 'image/png',
    })
  } finally {
    await api(page, 'notes.delete', { noteId: note.id })
  }
})

test('an admin switches pseudonymisation off and on, and lists words never to send', async ({
  page,
}, testInfo) => {
  for (const locale of ['de', 'en'] as const) {
    await signIn(page, dora, { locale })
    await page.goto('/app/settings/clinic')
    await waitForHydration(page)
    const labels =
      locale === 'en'
        ? {
            toggle: 'Pseudonymise: replace patient details with placeholders before anything leaves ClinAI',
            words: 'Words never to send (one per line)',
            save: 'Save settings',
            saved: /saved/i,
          }
        : {
            toggle:
              'Pseudonymisieren: Patientendaten durch Platzhalter ersetzen, bevor etwas ClinAI verlässt',
            words: 'Nie zu sendende Wörter (eines pro Zeile)',
            save: 'Einstellungen speichern',
            saved: /gespeichert/i,
          }
    const toggle = page.getByRole('checkbox', { name: labels.toggle })
    // On by default.
    await expect(toggle).toBeChecked()
    await toggle.uncheck()
    await page.getByRole('textbox', { name: labels.words }).fill('Praxis am Lindenhof\nDr. Oberhuber')
    await page.getByRole('button', { name: labels.save }).click()
    await expect(page.getByRole('status').filter({ hasText: labels.saved })).toBeVisible()
    await expect(page.getByRole('checkbox', { name: labels.toggle })).not.toBeChecked()
    const stored = await api<{ pseudonymise: boolean; neverSendTerms: string[] }>(page, 'admin.settings.get')
    expect(stored).toMatchObject({
      pseudonymise: false,
      neverSendTerms: ['Praxis am Lindenhof', 'Dr. Oberhuber'],
    })
    await page.getByRole('checkbox', { name: labels.toggle }).scrollIntoViewIfNeeded()
    await testInfo.attach(`settings-pseudonymise-off-${locale}.png`, {
      body: await page.screenshot({ fullPage: true }),
      contentType: 'image/png',
    })
    // And on again, the list emptied: the clinic is left as it was.
    await page.getByRole('checkbox', { name: labels.toggle }).check()
    await page.getByRole('textbox', { name: labels.words }).fill('')
    await page.getByRole('button', { name: labels.save }).click()
    await expect(page.getByRole('status').filter({ hasText: labels.saved })).toBeVisible()
    await expect(page.getByRole('checkbox', { name: labels.toggle })).toBeChecked()
    expect(
      await api<{ pseudonymise: boolean; neverSendTerms: string[] }>(page, 'admin.settings.get'),
    ).toMatchObject({
      pseudonymise: true,
      neverSendTerms: [],
    })
    await expectNoSeriousViolations(page, testInfo, `settings-pseudonymise-${locale}`)
  }
})
