// Deterministic "model" answers for the simulator. The same messages always produce the same text, so
// tests can assert on it and demos look stable; a hash of the whole conversation picks among a few
// phrasings so that different questions do not all read identically.
import type { PromptMessage } from './tokens.ts'

export type AnswerLanguage = 'de' | 'en'

const GERMAN_WORDS = new Set(
  (
    'und der die das ist nicht ich mit für bitte wie was ein eine einen einem zu den dem auf sie es bei ' +
    'habe hat kann können welche welcher sollte sollten soll wir ihr mein meine meiner patient patientin ' +
    'wird werden oder auch noch nach über vom zum zur des sich sind war gibt mir mich uns dass wenn aber ' +
    'schreibe erstelle fasse zusammen hallo danke therapie behandlung sitzung'
  ).split(' '),
)
const ENGLISH_WORDS = new Set(
  (
    'the and is are what how with for please a an to of in on it this that can could should would ' +
    'i my me we you your do does patient session therapy treatment write summarize summarise hello ' +
    'thanks which when after about from have has be will or not'
  ).split(' '),
)
const STOP_WORDS = new Set([
  ...GERMAN_WORDS,
  ...ENGLISH_WORDS,
  ...(
    'also some more most very just like into than then them they their there these those been being ' +
    'were was what need needs want wants give make help here some best good know tell write draft ' +
    'einer eines einige etwas mehr sehr nur schon wieder immer diese dieser dieses diesem jetzt heute ' +
    'gerne könnten würde würden möchte brauche braucht machen geben hilf helfen bitte mal ' +
    // Forms of address would otherwise lead the keyword list ahead of the actual topic.
    'frau herr mrs miss'
  ).split(' '),
])

const MAX_KEYWORDS = 3
const PLACEHOLDER = /\[[A-Z]{2,8}_\d{1,5}\]/g
const MAX_KEYWORD_LENGTH = 32
const MIN_KEYWORD_LENGTH = 4

function words(text: string): string[] {
  return text.match(/[\p{L}][\p{L}\p{M}'’-]*/gu) ?? []
}

function languageScore(text: string): { de: number; en: number } {
  let de = (text.match(/[äöüß]/giu) ?? []).length * 2
  let en = 0
  for (const word of words(text.toLowerCase())) {
    if (GERMAN_WORDS.has(word)) de++
    if (ENGLISH_WORDS.has(word)) en++
  }
  return { de, en }
}

function lastUserText(messages: readonly PromptMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]
    if (message?.role === 'user') return message.content
  }
  return ''
}

/**
 * German when the last user message reads German; when it is too short to tell, the system prompt
 * decides (a German prompt, or one asking for German/Deutsch); English otherwise.
 */
export function detectLanguage(messages: readonly PromptMessage[]): AnswerLanguage {
  const user = languageScore(lastUserText(messages))
  if (user.de !== user.en) return user.de > user.en ? 'de' : 'en'
  const system = messages
    .filter((message) => message.role === 'system' || message.role === 'developer')
    .map((message) => message.content)
    .join('\n')
  if (/\b(german|deutsch)\b/iu.test(system)) return 'de'
  const hint = languageScore(system)
  return hint.de > hint.en ? 'de' : 'en'
}

export function extractKeywords(text: string, max = MAX_KEYWORDS): string[] {
  const seen = new Set<string>()
  const keywords: string[] = []
  for (const raw of words(text)) {
    const word = raw.replace(/['’-]+$/u, '')
    const key = word.toLowerCase()
    if (Array.from(word).length < MIN_KEYWORD_LENGTH || STOP_WORDS.has(key) || seen.has(key)) continue
    seen.add(key)
    keywords.push(Array.from(word).slice(0, MAX_KEYWORD_LENGTH).join(''))
    if (keywords.length === max) break
  }
  return keywords
}

/** FNV-1a, 32 bit: tiny, stable across runs and platforms, good enough to pick phrasings. */
export function hashText(text: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash
}

interface Phrasebook {
  noTopic: string
  and: string
  openings: ReadonlyArray<(topic: string) => string>
  documentation: readonly string[]
  nextSteps: readonly string[]
  considerations: readonly string[]
  reminder: readonly string[]
  closings: readonly string[]
}

const PHRASES: Record<AnswerLanguage, Phrasebook> = {
  en: {
    noTopic: 'your question',
    and: 'and',
    openings: [
      (topic) => `Here is a structured way to approach ${topic} in your clinical workflow:`,
      (topic) => `Regarding ${topic}, these points can help you plan the next steps:`,
      (topic) => `Good question about ${topic}. A practical way to handle it:`,
    ],
    documentation: [
      '**Documentation:** record the presenting concern, relevant history and your observations in the session note while they are fresh.',
      '**Documentation:** note what was discussed, any changes since the last session and what was agreed with the patient.',
      '**Documentation:** keep the note factual and concise, and mark open questions so they can be followed up.',
    ],
    nextSteps: [
      '**Next steps:** agree on one or two measurable goals and schedule a follow-up to review progress.',
      '**Next steps:** decide whether further assessment or a referral is needed, and explain to the patient what happens next.',
      '**Next steps:** outline a short plan for the coming sessions and share it with the care team where appropriate.',
    ],
    considerations: [
      '**Considerations:** check for red flags, contraindications and current medication before changing the plan.',
      "**Considerations:** make sure consent is documented and that the plan fits the patient's goals and circumstances.",
      '**Considerations:** review the relevant guidelines and clinic policies, especially on data protection.',
    ],
    reminder: [
      '**Clinical judgement:** these are suggestions only; the assessment and the final decision stay with you as the treating clinician.',
      '**Your call:** please check this against the individual situation; clinical responsibility remains with you.',
    ],
    closings: [
      'If you like, I can draft a short note for the record.',
      'Let me know if you would like a template for the documentation.',
      '',
    ],
  },
  de: {
    noTopic: 'Ihrer Frage',
    and: 'und',
    openings: [
      (topic) => `Hier ist ein strukturierter Vorschlag zum Umgang mit ${topic} im Praxisalltag:`,
      (topic) => `Zu ${topic} können Ihnen diese Punkte bei der weiteren Planung helfen:`,
      (topic) => `Gute Frage zu ${topic}. Ein praktisches Vorgehen könnte so aussehen:`,
    ],
    documentation: [
      '**Dokumentation:** Halten Sie Anliegen, relevante Vorgeschichte und Ihre Beobachtungen zeitnah in der Verlaufsnotiz fest.',
      '**Dokumentation:** Notieren Sie, was besprochen wurde, was sich seit der letzten Sitzung geändert hat und was vereinbart ist.',
      '**Dokumentation:** Bleiben Sie sachlich und knapp und markieren Sie offene Fragen für die nächste Sitzung.',
    ],
    nextSteps: [
      '**Nächste Schritte:** Vereinbaren Sie ein bis zwei messbare Ziele und planen Sie einen Folgetermin zur Überprüfung.',
      '**Nächste Schritte:** Klären Sie, ob eine weitere Abklärung oder Überweisung nötig ist, und erklären Sie das weitere Vorgehen.',
      '**Nächste Schritte:** Skizzieren Sie einen kurzen Plan für die kommenden Sitzungen und stimmen Sie ihn im Team ab.',
    ],
    considerations: [
      '**Zu beachten:** Prüfen Sie Warnzeichen, Kontraindikationen und die aktuelle Medikation, bevor Sie den Plan ändern.',
      '**Zu beachten:** Stellen Sie sicher, dass die Einwilligung dokumentiert ist und der Plan zu den Zielen der Person passt.',
      '**Zu beachten:** Berücksichtigen Sie die einschlägigen Leitlinien und die Vorgaben Ihrer Praxis, gerade zum Datenschutz.',
    ],
    reminder: [
      '**Klinische Verantwortung:** Dies sind nur Vorschläge; Einschätzung und Entscheidung liegen bei Ihnen als behandelnder Fachperson.',
      '**Ihre Entscheidung:** Bitte prüfen Sie das im Einzelfall; die fachliche Verantwortung bleibt bei Ihnen.',
    ],
    closings: [
      'Wenn Sie möchten, entwerfe ich eine kurze Notiz für die Akte.',
      'Sagen Sie Bescheid, wenn Sie eine Vorlage für die Dokumentation brauchen.',
      '',
    ],
  },
}

function pick<T>(items: readonly T[], seed: number): T {
  const item = items[seed % items.length]
  if (item === undefined) throw new Error('empty phrase list')
  return item
}

function joinTopic(keywords: readonly string[], book: Phrasebook): string {
  const bold = keywords.map((keyword) => `**${keyword}**`)
  if (bold.length === 0) return book.noTopic
  if (bold.length === 1) return bold[0] ?? book.noTopic
  return `${bold.slice(0, -1).join(', ')} ${book.and} ${bold[bold.length - 1]}`
}

/**
 * A short markdown answer (roughly 60–180 tokens): an opening sentence that picks up keywords of the
 * last user message, three or four bullet points of clinical-workflow suggestions ending with the
 * reminder that the clinician decides, and sometimes a closing line.
 */
export function composeAnswer(messages: readonly PromptMessage[]): string {
  const language = detectLanguage(messages)
  const book = PHRASES[language]
  const seed = hashText(JSON.stringify(messages.map((message) => [message.role, message.content])))
  // Different bits of the hash per choice, so the choices do not move in lockstep.
  const bits = (shift: number) => seed >>> shift

  // Placeholders of a pseudonymised prompt ([PERSON_1]) are picked up first, as a real model
  // refers to the person it was asked about.
  const question = lastUserText(messages)
  const placeholders = [...new Set(question.match(PLACEHOLDER) ?? [])]
  const keywords = extractKeywords(question.replace(PLACEHOLDER, ' '))
  const topic = joinTopic([...placeholders, ...keywords].slice(0, MAX_KEYWORDS), book)
  const sections = [
    pick(book.documentation, bits(0)),
    pick(book.nextSteps, bits(4)),
    pick(book.considerations, bits(8)),
  ]
  // Half the answers leave one of the three sections out, which gives 3 or 4 bullets in total.
  if (bits(12) % 2 === 0) sections.splice(bits(13) % sections.length, 1)
  const bullets = [...sections, pick(book.reminder, bits(16))].map((line) => `- ${line}`)
  const closing = pick(book.closings, bits(20))
  const opening = pick(book.openings, bits(24))(topic)
  return [opening, bullets.join('\n'), closing].filter((part) => part !== '').join('\n\n')
}
