// conversations.search: German and English full-text over my titles and
// messages, ranked, paged, with plain-text snippets, and never anyone else's text.
import { randomUUID } from 'node:crypto'
import type postgres from 'postgres'
import { beforeAll, describe, expect, it } from 'vitest'
import { rejectionOf, type TestApi, useApiTestBed } from '#tests/support/caller.ts'
import { type FixtureUser, type TwoClinics } from '#tests/support/fixtures.ts'

const bed = useApiTestBed()
let api: TestApi, fixture: TwoClinics, owner: postgres.Sql
beforeAll(() => void ({ api, fixture, owner } = bed))

async function conversationWith(user: FixtureUser, title: string, contents: string[]) {
  const [conversation] = await owner`
    insert into conversations (tenant_id, owner_user_id, title)
    values (${user.tenantId}, ${user.userId}, ${title}) returning id`
  const messageIds: string[] = []
  for (const content of contents) {
    const [message] = await owner`
      insert into messages (tenant_id, conversation_id, owner_user_id, role, content)
      values (${user.tenantId}, ${conversation!.id}, ${user.userId}, 'user', ${content}) returning id`
    messageIds.push(message!.id as string)
  }
  return { id: conversation!.id as string, messageIds }
}

const highlighted = (snippet: { text: string; highlights: Array<{ start: number; end: number }> }) =>
  snippet.highlights.map((h) => snippet.text.slice(h.start, h.end))

const filler =
  'Heute war ein ruhiger Tag in der Praxis, wir haben über das Wetter, den Urlaub, die Familie, ' +
  'die Arbeit, den Sport, die Ernährung und viele andere alltägliche Dinge ausführlich gesprochen. '

describe('conversations.search', () => {
  it('finds an inflected German word: "Therapie" finds "Therapien", highlighted in a plain-text snippet', async () => {
    const hit = await conversationWith(fixture.a1, 'Erstgespräch', [
      'Die Patientin hat bereits zwei Therapien abgebrochen und wünscht sich diesmal mehr Struktur.',
    ])
    const result = await api.as(fixture.a1).conversations.search({ query: 'Therapie' })
    const found = result.items.find((item) => item.conversationId === hit.id)!
    expect(found).toMatchObject({ title: 'Erstgespräch', messageId: hit.messageIds[0], source: 'message' })
    expect(found.snippet.text).toContain('zwei Therapien abgebrochen')
    expect(highlighted(found.snippet)).toEqual(['Therapien'])
    expect(found.snippet.text).not.toMatch(/[<>\uE000\uE001]/)
  })

  it('shows an answer written in Markdown as plain text, with the highlight still on the word', async () => {
    const hit = await conversationWith(fixture.a1, 'Markdown-Antwort', [
      '## Vorschlag\n\n- **Schlafhygiene** besprechen\n- *Entspannung* üben, z. B. `Atemübung`\n\n**Wichtig:** [Leitlinie](https://example.org) lesen',
    ])
    for (const [query, word] of [
      ['Schlafhygiene', 'Schlafhygiene'],
      ['Entspannung', 'Entspannung'],
      ['Atemübung', 'Atemübung'],
    ] as const) {
      const result = await api.as(fixture.a1).conversations.search({ query })
      const found = result.items.find((item) => item.conversationId === hit.id)!
      expect(found.snippet.text, query).not.toMatch(/[*#`]/)
      expect(found.snippet.text, query).toContain(
        'Schlafhygiene besprechen - Entspannung üben, z. B. Atemübung',
      )
      expect(highlighted(found.snippet), query).toEqual([word])
    }
    // A word found only inside a longer one (by trigrams) is marked in the plain text as well.
    const inside = await api.as(fixture.a1).conversations.search({ query: 'hygiene' })
    const found = inside.items.find((item) => item.conversationId === hit.id)!
    expect(found.snippet.text).not.toMatch(/[*#`]/)
    expect(highlighted(found.snippet)).toEqual(['hygiene'])
    expect(
      found.snippet.text.slice(found.snippet.highlights[0]!.start - 6, found.snippet.highlights[0]!.end),
    ).toBe('Schlafhygiene')
  })

  it('stems English too: "session" finds "sessions", "running" finds "runs"', async () => {
    const hit = await conversationWith(fixture.a1, 'Supervision notes', [
      'We agreed on weekly sessions; the client runs every morning before work.',
    ])
    for (const query of ['session', 'running']) {
      const result = await api.as(fixture.a1).conversations.search({ query })
      const found = result.items.find((item) => item.conversationId === hit.id)
      expect(found, query).toBeDefined()
      expect(highlighted(found!.snippet).length, query).toBeGreaterThan(0)
    }
  })

  it('ranks a title-and-text match above a single weak match in a long message', async () => {
    const strong = await conversationWith(fixture.a1, 'Schlafstörung Verlauf', [
      'Die Schlafstörung hat sich seit der letzten Sitzung deutlich gebessert.',
    ])
    const weak = await conversationWith(fixture.a1, 'Allgemeines', [
      filler.repeat(4) + 'Nebenbei wurde eine Schlafstörung erwähnt. ' + filler.repeat(4),
    ])
    const result = await api.as(fixture.a1).conversations.search({ query: 'Schlafstörungen' })
    const order = result.items.map((item) => item.conversationId)
    expect(order).toContain(weak.id)
    expect(order.indexOf(strong.id)).toBeLessThan(order.indexOf(weak.id))
    const [first, second] = result.items
    expect(first!.rank).toBeGreaterThan(second!.rank)
  })

  it('matches titles alone, with the title as the snippet', async () => {
    const hit = await conversationWith(fixture.a1, 'Angstbewältigung bei Prüfungen', [
      'Kein passendes Wort hier.',
    ])
    const result = await api.as(fixture.a1).conversations.search({ query: 'Prüfung' })
    const found = result.items.find((item) => item.conversationId === hit.id)!
    expect(found).toMatchObject({ source: 'title', messageId: null })
    expect(highlighted(found.snippet)).toEqual(['Prüfungen'])
  })

  it("never returns another therapist's or another clinic's text", async () => {
    const word = 'Xylophontherapie'
    await conversationWith(fixture.a2, `${word} Kollegin`, [
      `Nur für die Kollegin: ${word} Kollegengeheimnis`,
    ])
    await conversationWith(fixture.b1, `${word} Nachbarpraxis`, [
      `Nur für die Nachbarpraxis: ${word} Praxisgeheimnis`,
    ])
    const own = await conversationWith(fixture.a1, 'Eigenes', [`Meine Notiz zur ${word}`])

    const result = await api.as(fixture.a1).conversations.search({ query: word })
    expect(result.items.map((item) => item.conversationId)).toEqual([own.id])
    expect(JSON.stringify(result)).not.toMatch(/Kolleg|Nachbarpraxis|geheimnis/)
    // The other two do find their own, so the word is really there.
    expect((await api.as(fixture.a2).conversations.search({ query: word })).items).toHaveLength(1)
    expect((await api.as(fixture.b1).conversations.search({ query: word })).items).toHaveLength(1)
    // An admin of the clinic does not read clinicians' notes either.
    expect((await api.as(fixture.aAdmin).conversations.search({ query: word })).items).toEqual([])
  })

  it('pages by offset without repeats, best first', async () => {
    const user: FixtureUser = { tenantId: fixture.clinicA.tenantId, userId: randomUUID(), role: 'therapist' }
    await owner`insert into users (tenant_id, id, email, name) values (${user.tenantId}, ${user.userId}, ${user.userId + '@example.test'}, 'Searcher')`
    const ids: string[] = []
    for (let i = 0; i < 12; i++) {
      ids.push(
        (await conversationWith(user, `Fall ${i}`, [`${'Depression '.repeat(1 + (i % 4))}${filler}`])).id,
      )
    }
    const seen: string[] = []
    const ranks: number[] = []
    let offset: number | null = 0
    while (offset !== null) {
      const page: Awaited<ReturnType<ReturnType<TestApi['as']>['conversations']['search']>> = await api
        .as(user)
        .conversations.search({ query: 'depressive', limit: 5, offset })
      expect(page.items.length).toBeLessThanOrEqual(5)
      seen.push(...page.items.map((item) => item.conversationId))
      ranks.push(...page.items.map((item) => item.rank))
      offset = page.nextOffset
    }
    expect([...seen].sort()).toEqual([...ids].sort())
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a))
  })

  it('takes any user syntax without error, and rejects empty, long or control-character queries (400)', async () => {
    const a1 = api.as(fixture.a1)
    for (const query of [
      '"unclosed',
      'a & | ! ( :*',
      "'; drop table messages; --",
      '-',
      'der die das',
      '<b>x</b>',
    ]) {
      const result = await a1.conversations.search({ query })
      expect(Array.isArray(result.items), query).toBe(true)
    }
    expect((await a1.conversations.search({ query: 'the and of' })).items).toEqual([])
    for (const input of [
      { query: '  ' },
      { query: 'x'.repeat(201) },
      { query: 'a\u0000b' },
      { query: 'ok', limit: 51 },
    ]) {
      const { status, body } = await api.http(fixture.a1, 'query', 'conversations.search', input)
      expect(status, JSON.stringify(input)).toBe(400)
      expect(Object.keys(body.error!.data.fieldErrors!).length).toBe(1)
    }
    const error = await rejectionOf(a1.conversations.search({ query: 'x', offset: 1001 }))
    expect(error.code).toBe('BAD_REQUEST')
  })

  it('cannot be made to forge highlights by marker characters in a message', async () => {
    await conversationWith(fixture.a1, 'Markup', [
      'Achtung \uE000Fälschung\uE001 und <script>alert(1)</script> neben einer Verhaltenstherapie.',
    ])
    const result = await api.as(fixture.a1).conversations.search({ query: 'Verhaltenstherapie' })
    const found = result.items.find((item) => item.title === 'Markup')!
    expect(highlighted(found.snippet)).toEqual(['Verhaltenstherapie'])
    expect(found.snippet.text).toContain('Fälschung')
    expect(found.snippet.text).toContain('neben einer Verhaltenstherapie')
    expect(found.snippet.text).not.toMatch(/[\uE000\uE001]/)
  })
})

describe('German compounds', () => {
  it('"Therapie" finds "Verhaltenstherapie" and marks the part that matched', async () => {
    const hit = await conversationWith(fixture.a1, 'Fallbesprechung', [
      `${filler}Wir beginnen nächste Woche mit einer Verhaltenstherapie in der Gruppe. ${filler}`,
    ])
    const titled = await conversationWith(fixture.a1, 'Gesprächstherapie Verlauf', ['Nichts Passendes.'])
    const result = await api.as(fixture.a1).conversations.search({ query: 'Therapie' })
    const found = result.items.find((item) => item.conversationId === hit.id)!
    expect(found).toMatchObject({ source: 'message', messageId: hit.messageIds[0] })
    expect(found.snippet.text).toContain('Verhaltenstherapie')
    expect(highlighted(found.snippet).map((word) => word.toLowerCase())).toEqual(['therapie'])
    expect(result.items.find((item) => item.conversationId === titled.id)).toMatchObject({ source: 'title' })
  })

  it('ranks a whole-word match above a match inside a compound', async () => {
    const whole = await conversationWith(fixture.a1, 'A', ['Die Supervisorin empfiehlt eine Therapie.'])
    const inside = await conversationWith(fixture.a1, 'B', ['Die Supervisorin empfiehlt eine Paartherapie.'])
    const result = await api.as(fixture.a1).conversations.search({ query: 'Supervisorin Therapie' })
    const order = result.items.map((item) => item.conversationId)
    expect(order).toContain(inside.id)
    expect(order.indexOf(whole.id)).toBeLessThan(order.indexOf(inside.id))
  })

  it('treats LIKE wildcards in the query as text', async () => {
    await conversationWith(fixture.a1, 'Wildcards', ['irgendein Text ohne Prozentzeichen'])
    const result = await api.as(fixture.a1).conversations.search({ query: '%%%% ____' })
    expect(result.items).toEqual([])
  })

  it('finds compounds only in the person’s own conversations', async () => {
    const mine = await conversationWith(fixture.a2, 'Meins', ['Kunsttherapie mit Ton'])
    const colleague = await conversationWith(fixture.a1, 'Kollegin', ['Kunsttherapie mit Farben'])
    const otherClinic = await conversationWith(fixture.b1, 'Andere Klinik', ['Kunsttherapie mit Musik'])
    const ids = (await api.as(fixture.a2).conversations.search({ query: 'kunsttherapie' })).items.map(
      (item) => item.conversationId,
    )
    expect(ids).toContain(mine.id)
    expect(ids).not.toContain(colleague.id)
    expect(ids).not.toContain(otherClinic.id)
  })
})
