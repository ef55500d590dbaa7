// Pseudonymisation end to end: real HTTP into the app, the real `openai` SDK to the simulator,
// which records every prompt it receives (recordPrompts) and streams token by token
// (batchSizes [1]), so placeholders arrive split over several deltas; real PostgreSQL underneath.
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startAoaiSimulator, type AoaiSimulator } from '#infra/local/aoai-simulator/server.ts'
import { tokenize } from '#infra/local/aoai-simulator/tokens.ts'
import type { ChatEvent } from '#server/chat/events.ts'
import { SseDecoder } from '#server/client/sse.ts'
import { createChatRateLimiter } from '#server/limits/rate-limit.ts'
import type { StartedApp } from '#server/main.ts'
import type { DraftEvent } from '#server/notes/events.ts'
import { MappingSealer } from '#server/services/pseudonymise/crypto.ts'
import { startTestApp } from '#tests/support/app-server.ts'
import { createTestDatabase, type TestDatabase } from '#tests/support/database.ts'
import { seedTwoClinics, type FixtureUser, type TwoClinics } from '#tests/support/fixtures.ts'
import { sessionCookieFor } from '#tests/support/sessions.ts'
import { callerFor } from '#tests/support/caller.ts'

let testDb: TestDatabase
let fixture: TwoClinics
let simulator: AoaiSimulator
let app: StartedApp
let owner: postgres.Sql

beforeAll(async () => {
  testDb = await createTestDatabase()
  fixture = await seedTwoClinics(testDb.ownerUrl)
  simulator = await startAoaiSimulator({
    apiKey: 'test-key',
    tokensPerSecond: 2000,
    firstTokenMs: 5,
    recordPrompts: true,
    batchSizes: [1],
  })
  app = await startTestApp({
    DATABASE_URL: testDb.appUrl,
    AZURE_OPENAI_ENDPOINT: simulator.url,
    AZURE_OPENAI_API_KEY: 'test-key',
    AZURE_OPENAI_DEPLOYMENT: 'gpt-4o-mini',
    CHAT_RATE_LIMIT_PER_MINUTE: '10000',
  })
  app.services.chatRateLimiter = createChatRateLimiter(10_000)
  owner = postgres(testDb.ownerUrl, { max: 2, onnotice: () => {} })
})

afterAll(async () => {
  await app?.close()
  await simulator?.close()
  await owner?.end()
  await testDb?.drop()
})

const caller = (user: FixtureUser) => callerFor(app.services, user)

async function stream<T>(path: string, user: FixtureUser, body: unknown): Promise<T[]> {
  const response = await fetch(`${app.url}${path}`, {
    method: 'POST',
    headers: { cookie: await sessionCookieFor(app.services, user), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/)
  const decoder = new SseDecoder()
  const events: T[] = []
  const reader = response.body!.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    for (const message of done ? decoder.end() : decoder.push(value))
      events.push(JSON.parse(message.data) as T)
    if (done) break
  }
  return events
}

const ask = (user: FixtureUser, conversationId: string, content: string) =>
  stream<ChatEvent>(`/api/chat/${conversationId}`, user, { content })

async function newConversation(user: FixtureUser) {
  return (await caller(user).conversations.create({})).id
}

/** Everything the simulator received since `before`, as one text. */
const promptsSince = (before: number) =>
  simulator.requests
    .slice(before)
    .flatMap((record) => record.messages ?? [])
    .map((message) => message.content)
    .join('\n')

const deltasOf = (events: ChatEvent[]) =>
  events.flatMap((event) => (event.type === 'delta' ? [event.text] : []))

// A test's patient details: names (some that are words too), a date of birth, an age, an
// address, a phone number, an e-mail address, an IBAN and a KVNR.
const DETAILS = [
  'Winter',
  'Lukas',
  '03.04.1980',
  'Lindenstraße 12',
  '10115 Berlin',
  '0171 2345678',
  'anna.winter@example.de',
  'DE89 3704 0044 0532 0130 00',
  'A123456780',
]
const QUESTION =
  'Frau Winter (geb. 03.04.1980) und ihr Sohn Lukas wohnen in der Lindenstraße 12, 10115 Berlin. ' +
  'Tel. 0171 2345678, anna.winter@example.de, IBAN DE89 3704 0044 0532 0130 00, KVNR A123456780. ' +
  'Wie bereite ich das Gespräch mit Frau Winter vor?'

async function setClinic(change: { pseudonymise?: boolean; neverSendTerms?: string[] }) {
  return caller(fixture.aAdmin).admin.settings.update(change)
}

describe('chat with pseudonymisation on (the default)', () => {
  it('sends none of the patient details, streams and stores the answer with them restored', async () => {
    expect((await caller(fixture.aAdmin).admin.settings.get()).pseudonymise).toBe(true)
    const conversationId = await newConversation(fixture.a1)
    const before = simulator.requests.length
    const events = await ask(fixture.a1, conversationId, QUESTION)
    expect(events.at(-1)).toMatchObject({ type: 'done', status: 'complete' })

    const sent = promptsSince(before)
    expect(sent).toContain('Frau [PERSON_1]')
    for (const detail of DETAILS) expect(sent, detail).not.toContain(detail)

    // The simulated model names the placeholders it was given; the clinician reads the names.
    const streamed = deltasOf(events).join('')
    expect(streamed).toContain('Winter')
    expect(streamed).not.toMatch(/\[(?:PERSON|DATE|PHONE)_\d+\]/)
    const [stored] = await owner<Array<{ content: string }>>`
      select content from messages where conversation_id = ${conversationId} and role = 'assistant'`
    expect(stored!.content).toBe(streamed)
    // The question is stored as written, for its owner.
    const [question] = await owner<Array<{ content: string }>>`
      select content from messages where conversation_id = ${conversationId} and role = 'user'`
    expect(question!.content).toBe(QUESTION)
  })

  it('restores a placeholder that arrives split over several deltas', async () => {
    // The simulator streams token by token, and a placeholder is several tokens.
    expect(tokenize('[PERSON_1]').length).toBeGreaterThan(1)
    const conversationId = await newConversation(fixture.a1)
    const events = await ask(fixture.a1, conversationId, 'Herr Fuchs wirkt erschöpft. Was hilft Herrn Fuchs?')
    const deltas = deltasOf(events)
    const joined = deltas.join('')
    expect(joined).toContain('**Fuchs**')
    // No delta carries a piece of a placeholder: the restorer held the pieces back until whole.
    for (const delta of deltas)
      expect(delta).not.toMatch(/\[(?:P|PE|PER|PERS|PERSO|PERSON)(?:_\d*)?\]?$|^[A-Z]*_\d+\]/)
    expect(deltas.some((delta) => delta.includes('Fuchs'))).toBe(true)
  })

  it('keeps placeholders stable across turns and shows the clinician what the model saw', async () => {
    const conversationId = await newConversation(fixture.a1)
    await ask(fixture.a1, conversationId, 'Frau Winter hat Angst vor dem Gespräch mit ihrer Tochter Mia.')
    const before = simulator.requests.length
    // The second turn names her without "Frau": she is known in this conversation.
    await ask(fixture.a1, conversationId, 'Wie kann Winter mit Mia über die Trennung sprechen?')
    const sent = simulator.requests.slice(before).flatMap((record) => record.messages ?? [])
    const lastQuestion = sent.findLast((message) => message.role === 'user')!.content
    expect(lastQuestion).toBe('Wie kann [PERSON_1] mit [PERSON_2] über die Trennung sprechen?')
    // The history went out pseudonymised too: the first question and the restored first answer.
    expect(sent.map((message) => message.content).join('\n')).not.toMatch(/Winter|Mia/)

    const { views } = await caller(fixture.a1).conversations.modelView({ conversationId })
    expect(views).toHaveLength(1)
    expect(views[0]).toMatchObject({ pseudonymised: true })
    expect(views[0]!.messages.map((message) => message.content)).toEqual(
      sent.map((message) => message.content),
    )

    // The mapping is ciphertext in the database, and only the owner reaches it.
    const [row] = await owner<Array<{ sealed: string }>>`
      select sealed from pseudonym_maps where conversation_id = ${conversationId}`
    expect(row!.sealed).toMatch(/^v1\./)
    expect(row!.sealed).not.toMatch(/Winter|Mia|PERSON/)
    await expect(caller(fixture.a2).conversations.modelView({ conversationId })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
    await expect(caller(fixture.aAdmin).conversations.modelView({ conversationId })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
  })

  it("never sends the clinic's own words", async () => {
    await setClinic({ neverSendTerms: ['Praxis am Lindenhof', 'Dr. Oberhuber'] })
    try {
      const conversationId = await newConversation(fixture.a1)
      const before = simulator.requests.length
      await ask(
        fixture.a1,
        conversationId,
        'Dr. Oberhuber aus der praxis am lindenhof fragt nach dem Verlauf.',
      )
      const sent = promptsSince(before)
      expect(sent).not.toMatch(/Oberhuber|lindenhof/i)
      expect(sent).toContain('[TERM_')
    } finally {
      await setClinic({ neverSendTerms: [] })
    }
  })
})

describe('the key', () => {
  it('rotates: a new first key seals, rows sealed with the old one still open', async () => {
    const conversationId = await newConversation(fixture.a1)
    await ask(fixture.a1, conversationId, 'Frau Adler hat Angst vor Hunden.')
    const original = app.services.pseudonymSealer
    const oldKey = app.services.config.pseudonymKeys[0]!
    const newKey = Buffer.alloc(32, 9).toString('base64')
    try {
      app.services.pseudonymSealer = new MappingSealer([newKey, oldKey])
      const before = simulator.requests.length
      await ask(fixture.a1, conversationId, 'Was kann Adler gegen die Angst tun?')
      // The old mapping opened: the same placeholder as in the first turn.
      expect(promptsSince(before)).toContain('Was kann [PERSON_1] gegen die Angst tun?')
      const [row] = await owner<Array<{ sealed: string }>>`
        select sealed from pseudonym_maps where conversation_id = ${conversationId}`
      expect(row!.sealed.split('.')[1]).not.toBe(new MappingSealer([oldKey]).seal('x', 'y').split('.')[1])
    } finally {
      app.services.pseudonymSealer = original
    }
  })

  it('a mapping sealed with a key no longer configured starts anew instead of failing', async () => {
    const conversationId = await newConversation(fixture.a1)
    await ask(fixture.a1, conversationId, 'Herr Falk schläft schlecht.')
    const original = app.services.pseudonymSealer
    try {
      app.services.pseudonymSealer = new MappingSealer([Buffer.alloc(32, 3).toString('base64')])
      const before = simulator.requests.length
      const events = await ask(fixture.a1, conversationId, 'Was hilft Herrn Falk?')
      expect(events.at(-1)).toMatchObject({ type: 'done', status: 'complete' })
      expect(promptsSince(before)).not.toContain('Falk')
    } finally {
      app.services.pseudonymSealer = original
    }
  })
})

describe('chat with pseudonymisation off', () => {
  it('sends the text as it is, and says so in what the model saw', async () => {
    await setClinic({ pseudonymise: false })
    try {
      const conversationId = await newConversation(fixture.a1)
      const before = simulator.requests.length
      await ask(fixture.a1, conversationId, QUESTION)
      expect(promptsSince(before)).toContain(QUESTION)
      const { views } = await caller(fixture.a1).conversations.modelView({ conversationId })
      expect(views[0]).toMatchObject({ pseudonymised: false })
    } finally {
      await setClinic({ pseudonymise: true })
    }
  })
})

describe('note drafts', () => {
  it("send neither the patient reference nor the jottings' details, and keep them in the sections", async () => {
    const note = await caller(fixture.a1).notes.create({
      patientRef: 'KM-2291',
      sessionDate: '2026-03-02',
      sessionKind: 'follow_up',
      durationMinutes: 50,
      jottings: 'Frau Kowalski berichtet, ihr Mann Piotr trinke wieder. Rückruf unter 0152-12345678.',
      template: 'soap',
      locale: 'de',
    })
    const before = simulator.requests.length
    const events = await stream<DraftEvent>(`/api/notes/${note.id}/draft`, fixture.a1, {})
    expect(events.at(-1)).toMatchObject({ type: 'done', written: note.sections.length })
    const sent = promptsSince(before)
    for (const detail of ['KM-2291', 'Kowalski', 'Piotr', '0152-12345678'])
      expect(sent, detail).not.toContain(detail)
    expect(sent).toContain('Patient reference: [REF_1]')

    // The simulated model writes about [REF_1]; the clinician's sections say KM-2291.
    const { sections } = await caller(fixture.a1).notes.get({ noteId: note.id })
    expect(sections.every((section) => !/\[(?:REF|PERSON|PHONE)_\d+\]/.test(section.content))).toBe(true)
    expect(sections.some((section) => section.content.includes('KM-2291'))).toBe(true)

    const { views } = await caller(fixture.a1).notes.modelView({ noteId: note.id })
    expect(views.map((view) => view.key).sort()).toEqual(note.sections.map((section) => section.id).sort())
    expect(JSON.stringify(views)).not.toContain('Kowalski')
  })
})

describe('the settings', () => {
  it('refuse an unbounded list of words never to send, and change nothing', async () => {
    const before = await caller(fixture.aAdmin).admin.settings.get()
    await expect(
      setClinic({ neverSendTerms: Array.from({ length: 101 }, (_, i) => `Wort ${i}`) }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    })
    await expect(setClinic({ neverSendTerms: ['x'.repeat(101)] })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    })
    await expect(setClinic({ neverSendTerms: ['a'] })).rejects.toMatchObject({ code: 'BAD_REQUEST' })
    expect((await caller(fixture.aAdmin).admin.settings.get()).neverSendTerms).toEqual(before.neverSendTerms)
  })

  it('are audited by field name, never the words', async () => {
    await setClinic({ neverSendTerms: ['Geheimstraße'] })
    await setClinic({ neverSendTerms: [] })
    const rows = await owner<Array<{ details: unknown }>>`
      select details from audit_events where tenant_id = ${fixture.aAdmin.tenantId} and action = 'settings.updated'`
    expect(JSON.stringify(rows)).toContain('neverSendTerms')
    expect(JSON.stringify(rows)).not.toContain('Geheimstraße')
  })
})
