import { describe, expect, it } from 'vitest'
import { MappingSealer } from './crypto.ts'
import { detect, isValidKvnr } from './detect.ts'
import { Pseudonymiser } from './pseudonymiser.ts'

describe('Pseudonymiser', () => {
  it('replaces each detail by a stable placeholder and restores it', () => {
    const p = new Pseudonymiser()
    const first = p.pseudonymise('Frau Winter kam mit ihrem Sohn Lukas, Tel. 0171 2345678.')
    expect(first).toBe('Frau [PERSON_1] kam mit ihrem Sohn [PERSON_2], Tel. [PHONE_1].')
    // The same details later, even without the context that found them: the same placeholders.
    const second = p.pseudonymise('Lukas sagt, Winter habe 0171 2345678 nicht abgenommen.')
    expect(second).toBe('[PERSON_2] sagt, [PERSON_1] habe [PHONE_1] nicht abgenommen.')
    expect(p.restore('[PERSON_1] und [PERSON_2]; [PHONE_1]')).toBe('Winter und Lukas; 0171 2345678')
    // A placeholder the model made up stays as it is.
    expect(p.restore('[PERSON_9]')).toBe('[PERSON_9]')
  })

  it('carries the mapping from one request to the next (the stored state)', () => {
    const p = new Pseudonymiser()
    p.pseudonymise('Herr Fuchs, geb. 03.04.1980')
    const later = new Pseudonymiser(JSON.parse(JSON.stringify(p.mapping)))
    expect(later.pseudonymise('Herr Fuchs und Frau Adler')).toBe('Herr [PERSON_1] und Frau [PERSON_2]')
    expect(later.restore('[DATE_1]')).toBe('03.04.1980')
  })

  it('remembers the parts of a full name', () => {
    const p = new Pseudonymiser()
    expect(p.pseudonymise('Anna Schneider kam allein.')).toBe('[PERSON_1] kam allein.')
    expect(p.pseudonymise('Schneider wirkte müde.')).toMatch(/^\[PERSON_\d\] wirkte müde\.$/)
  })

  it("replaces the caller's terms whole-word and case-insensitively", () => {
    const p = new Pseudonymiser()
    const terms = [
      { text: 'Praxis am See', category: 'TERM' as const },
      { text: 'K.M.-17', category: 'REF' as const },
    ]
    expect(
      p.pseudonymise('Patient K.M.-17 kommt in die praxis am see, nicht Praxis am Seeufer.', { terms }),
    ).toBe('Patient [REF_1] kommt in die [TERM_1], nicht Praxis am Seeufer.')
  })
})

describe('StreamRestorer', () => {
  const p = new Pseudonymiser()
  p.pseudonymise('Frau Winter und Herr Fuchs, 0171 2345678, Lindenstraße 12')
  const answer = 'Für [PERSON_1] und [PERSON_2]: [PHONE_1] anrufen, [ADDRESS_1] besuchen. [Hinweis] [PERSON_'

  it('restores a placeholder split at any point across two pieces', () => {
    const whole = p.restore(answer)
    expect(whole).toBe(
      'Für Winter und Fuchs: 0171 2345678 anrufen, Lindenstraße 12 besuchen. [Hinweis] [PERSON_',
    )
    for (let cut = 0; cut <= answer.length; cut++) {
      const restorer = p.streamRestorer()
      const pieces = [restorer.push(answer.slice(0, cut)), restorer.push(answer.slice(cut)), restorer.flush()]
      expect(pieces.join(''), `cut at ${cut}`).toBe(whole)
      // No piece shows a placeholder's fragment when a later piece completes it.
      if (cut > 0 && cut < answer.indexOf('[Hinweis]')) expect(pieces[0]).not.toMatch(/\[[A-Z_\d]*$/)
    }
  })

  it('restores an answer streamed one character at a time', () => {
    const restorer = p.streamRestorer()
    const out = [...answer].map((char) => restorer.push(char)).join('') + restorer.flush()
    expect(out).toBe(p.restore(answer))
  })
})

describe('checksums', () => {
  it('tells valid KVNRs and IBANs from near misses', () => {
    expect(isValidKvnr('A123456780')).toBe(true)
    expect(isValidKvnr('A123456781')).toBe(false)
    expect(detect('KVNR A123456781').filter((span) => span.category === 'KVNR')).toEqual([])
    expect(detect('IBAN DE89 3704 0044 0532 0130 00').map((span) => span.category)).toEqual(['IBAN'])
    expect(detect('IBAN DE88 3704 0044 0532 0130 00').some((span) => span.category === 'IBAN')).toBe(false)
  })
})

describe('MappingSealer', () => {
  const key = 'a'.repeat(64)
  const other = Buffer.alloc(32, 7).toString('base64')

  it('opens what it sealed, for the same row only', () => {
    const sealer = new MappingSealer([key])
    const sealed = sealer.seal('{"entries":[]}', 'pseudonym_maps|t|conversation|c1')
    expect(sealed).not.toContain('entries')
    expect(sealer.open(sealed, 'pseudonym_maps|t|conversation|c1')).toBe('{"entries":[]}')
    expect(() => sealer.open(sealed, 'pseudonym_maps|t|conversation|c2')).toThrow()
    const [version, id, iv, tag, body] = sealed.split('.')
    const flipped = Buffer.from(body!, 'base64')
    flipped[0] = flipped[0]! ^ 1
    expect(() =>
      sealer.open(
        [version, id, iv, tag, flipped.toString('base64')].join('.'),
        'pseudonym_maps|t|conversation|c1',
      ),
    ).toThrow()
  })

  it('rotates: a new first key seals, the old one still opens', () => {
    const before = new MappingSealer([key]).seal('x', 'ad')
    const rotated = new MappingSealer([other, key])
    expect(rotated.open(before, 'ad')).toBe('x')
    expect(() => new MappingSealer([other]).open(before, 'ad')).toThrow(/not configured/)
    expect(() => new MappingSealer(['short'])).toThrow(/32 bytes/)
  })
})
