// Finds patient-identifying details in German and English clinical text: person names (a name
// list plus context such as "Frau …", "Herr …", "Patientin …", "Dr. …", "mein Sohn …"), calendar
// dates and years of birth, ages, street addresses and postcodes with their town, phone numbers,
// e-mail addresses, IBANs (checksum), German health-insurance numbers (KVNR, checksum) and the
// caller's own terms (a note's patient reference, the clinic's words never to send). It answers
// spans only; replacing them is the pseudonymiser's. Rules, not a model: what it misses is listed
// in the README ("Pseudonymisation"), and tests/bench measures it on a labelled corpus.
import { electronicFormatIBAN, isValidIBAN } from 'ibantools'
import { findPhoneNumbersInText } from 'libphonenumber-js/max'
import { nameLists } from './names.ts'

export const CATEGORIES = [
  'PERSON',
  'DATE',
  'AGE',
  'ADDRESS',
  'PHONE',
  'EMAIL',
  'IBAN',
  'KVNR',
  'REF',
  'TERM',
] as const
export type Category = (typeof CATEGORIES)[number]

export interface Span {
  start: number
  end: number
  category: Category
}

export interface DetectOptions {
  /** Literal terms to find (case-insensitive, whole words): a note's patient reference, a clinic's list. */
  terms?: ReadonlyArray<{ text: string; category: 'REF' | 'TERM' }>
}

/** When two findings overlap, the more specific one wins (earlier here), then the longer. */
const PRIORITY: Record<Category, number> = {
  TERM: 0,
  REF: 1,
  EMAIL: 2,
  IBAN: 3,
  KVNR: 4,
  DATE: 5,
  PHONE: 6,
  ADDRESS: 7,
  AGE: 8,
  PERSON: 9,
}

export function detect(text: string, options: DetectOptions = {}): Span[] {
  const found: Span[] = [
    ...findTerms(text, options.terms ?? []),
    ...findEmails(text),
    ...findIbans(text),
    ...findKvnrs(text),
    ...findDates(text),
    ...findPhones(text),
    ...findAddresses(text),
    ...findAges(text),
    ...findPersons(text),
  ]
  return resolveOverlaps(found)
}

export function resolveOverlaps(spans: Span[]): Span[] {
  const ordered = [...spans].sort(
    (a, b) => PRIORITY[a.category] - PRIORITY[b.category] || b.end - b.start - (a.end - a.start),
  )
  const kept: Span[] = []
  for (const span of ordered) {
    if (span.end <= span.start) continue
    if (kept.some((other) => span.start < other.end && other.start < span.end)) continue
    kept.push(span)
  }
  return kept.sort((a, b) => a.start - b.start)
}

function matches(text: string, pattern: RegExp, category: Category, group = 0): Span[] {
  const spans: Span[] = []
  for (const match of text.matchAll(pattern)) {
    const value = match[group]
    if (value === undefined || match.index === undefined) continue
    const offset = group === 0 ? 0 : match[0].indexOf(value)
    spans.push({ start: match.index + offset, end: match.index + offset + value.length, category })
  }
  return spans
}

const escapeRegExp = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

function findTerms(text: string, terms: NonNullable<DetectOptions['terms']>): Span[] {
  const spans: Span[] = []
  for (const term of terms) {
    const value = term.text.trim()
    if (value.length === 0) continue
    // Whole words where the term starts or ends with a letter or digit; anywhere otherwise.
    const before = /^[\p{L}\p{N}]/u.test(value) ? '(?<![\\p{L}\\p{N}])' : ''
    const after = /[\p{L}\p{N}]$/u.test(value) ? '(?![\\p{L}\\p{N}])' : ''
    const pattern = new RegExp(`${before}${escapeRegExp(value).replace(/\s+/g, '\\s+')}${after}`, 'giu')
    spans.push(...matches(text, pattern, term.category))
  }
  return spans
}

function findEmails(text: string): Span[] {
  return matches(text, /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu, 'EMAIL')
}

function findIbans(text: string): Span[] {
  const spans: Span[] = []
  for (const match of text.matchAll(/\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){10,30}/g)) {
    // The pattern may run on into a following number or word: try the longest valid prefix.
    let candidate = match[0]
    while (candidate.length >= 14) {
      const electronic = electronicFormatIBAN(candidate)
      if (electronic && isValidIBAN(electronic)) {
        spans.push({ start: match.index, end: match.index + candidate.length, category: 'IBAN' })
        break
      }
      candidate = candidate.slice(0, -1).trimEnd()
    }
  }
  return spans
}

/**
 * The Krankenversichertennummer: a capital letter and nine digits, the last a check digit. The
 * letter counts as its two-digit position in the alphabet; the ten digits then are weighted 1, 2,
 * 1, 2 …, each product's digits summed, and the total modulo 10 is the check digit.
 */
export function isValidKvnr(value: string): boolean {
  if (!/^[A-Z]\d{9}$/.test(value)) return false
  const letter = String(value.charCodeAt(0) - 64).padStart(2, '0')
  const digits = (letter + value.slice(1, 9)).split('').map(Number)
  const sum = digits.reduce((total, digit, index) => {
    const product = digit * (index % 2 === 0 ? 1 : 2)
    return total + (product > 9 ? product - 9 : product)
  }, 0)
  return sum % 10 === Number(value[9])
}

function findKvnrs(text: string): Span[] {
  return matches(text, /\b[A-Z]\d{9}\b/g, 'KVNR').filter((span) =>
    isValidKvnr(text.slice(span.start, span.end)),
  )
}

const MONTHS_DE =
  'Januar|Jänner|Februar|März|Maerz|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember|' +
  'Jan|Feb|Mär|Apr|Jun|Jul|Aug|Sep|Sept|Okt|Nov|Dez'
const MONTHS_EN =
  'January|February|March|April|May|June|July|August|September|October|November|December|' +
  'Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec'
const DAY = '(?:0?[1-9]|[12]\\d|3[01])'
const YEAR = '(?:19|20)\\d{2}'

const DATE_PATTERNS: RegExp[] = [
  // 03.04.1980, 3.4.80, 03/04/1980, 04/23/1985, 3-4-1980
  /(?<![\d.])\d{1,2}([./-])\d{1,2}\1(?:\d{4}|\d{2})(?![\d])/g,
  // 1980-04-03
  new RegExp(`\\b${YEAR}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01])\\b`, 'g'),
  // 03.04. (a day and month without a year)
  new RegExp(`(?<![\\d.])${DAY}\\.(?:0?[1-9]|1[0-2])\\.(?![\\d])`, 'g'),
  // 3. April 1980, 3. April, 3 April 1980, 3rd of April 1980, 3rd April
  new RegExp(
    `\\b${DAY}(?:\\.|st|nd|rd|th)?\\s*(?:of\\s+)?(?:${MONTHS_DE}|${MONTHS_EN})\\b\\.?(?:,?\\s+${YEAR}\\b)?`,
    'gu',
  ),
  // April 3, 1980; April 3rd; March 12 2019
  new RegExp(`\\b(?:${MONTHS_EN})\\s+${DAY}(?:st|nd|rd|th)?\\b(?:,?\\s+${YEAR}\\b)?`, 'g'),
  // a year of birth: geboren 1985, geb. 1985, Jahrgang 1985, born in 1985, b. 1985
  new RegExp(
    `(?<=\\b(?:geboren|geb\\.|Jahrgang|Jg\\.|born|born in|b\\.)\\s*(?:im Jahr\\s+)?)${YEAR}\\b`,
    'giu',
  ),
]

function findDates(text: string): Span[] {
  const spans: Span[] = []
  for (const pattern of DATE_PATTERNS) {
    for (const span of matches(text, pattern, 'DATE')) {
      const value = text.slice(span.start, span.end)
      const numeric = /^(\d{1,2})[./-](\d{1,2})[./-]/.exec(value)
      if (numeric) {
        const [a, b] = [Number(numeric[1]), Number(numeric[2])]
        // Either day.month or (US) month/day; anything else is not a date.
        if (!((a >= 1 && a <= 31 && b >= 1 && b <= 12) || (a >= 1 && a <= 12 && b >= 1 && b <= 31))) continue
      }
      spans.push(span)
    }
  }
  return spans
}

const NUMBER_WORDS =
  'ein|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|dreizehn|vierzehn|fünfzehn|sechzehn|' +
  'siebzehn|achtzehn|neunzehn|zwanzig|dreißig|vierzig|fünfzig|sechzig|siebzig|achtzig|neunzig'

const AGE_PATTERNS: Array<[RegExp, number]> = [
  // 45-jährige, 45jähriger, 45 Jahre alt, 45 J. — the number only, so the sentence still reads
  [/(?<![\d.,])(\d{1,3})(?=\s*-?\s*(?:jährige[nmrs]?|jährig|Jährige[nmrs]?)\b)/giu, 1],
  [/(?<![\d.,])(\d{1,3})(?=\s+Jahre?\s+alt\b)/giu, 1],
  [
    /(?<=\b(?:im Alter von|mit|ist|wird|wurde|war|seit sie|seit er)\s+)(\d{1,3})(?=\s+(?:Jahren|Jahre)\b)/giu,
    1,
  ],
  [/(?<![\d.,])(\d{1,3})(?=\s*J\.\s)/gu, 1],
  [/(?<=\b(?:aged?|age of|at)\s+)(\d{1,3})\b(?!\s*(?:%|percent|minutes|hours|pm|am|mg))/giu, 1],
  [/(?<![\d.,])(\d{1,3})(?=[- ]years?[- ]old\b)/giu, 1],
  [
    /(?<=\b(?:is|was|turned|turns|turning)\s+)(\d{1,3})(?=\s*(?:years?|yrs?)?\b(?:[.,;]|\s+(?:and|but|now|this|last|next|years?)))/giu,
    1,
  ],
  // "Herr Arslan, 58, …", "Zeynep (12)", "Mr O'Brien, 67, …": a number right after a name
  [/(?<=\p{Lu}[\p{L}'’-]+(?:\s?\(|,\s))(\d{1,3})(?=\)|,)/gu, 1],
  // "sie ist 23 und studiert", "she is 23 and …"
  [/(?<=\b(?:ist|war|wird|is|was)\s+)(\d{1,3})(?=\s+(?:und|and|but|aber)\b|[,.](?:\s|$))/giu, 1],
  // sechzehnjährige, Zwölfjähriger
  [new RegExp(`\\b(?:${NUMBER_WORDS})(?:und(?:${NUMBER_WORDS}))?jährige[nmrs]?\\b`, 'giu'), 0],
]

function findAges(text: string): Span[] {
  return AGE_PATTERNS.flatMap(([pattern, group]) => matches(text, pattern, 'AGE', group)).filter((span) => {
    const value = text.slice(span.start, span.end)
    return !/^\d+$/.test(value) || Number(value) <= 120
  })
}

const STREET_SUFFIX =
  'straße|strasse|str\\.|gasse|allee|weg|platz|ring|damm|ufer|chaussee|steig|pfad|markt|berg|hof|wall|' +
  'graben|brücke|garten|park|zeile|kamp|feld|wiese|höhe|stieg|grund|winkel|anger|tal|bogen|redder'
const STREET_WORDS = 'Straße|Strasse|Str\\.|Allee|Weg|Platz|Ring|Damm|Gasse|Ufer|Chaussee|Markt|Steig|Pfad'
const HOUSE_NUMBER = '\\d{1,4}\\s?[a-zA-Z]?(?:\\s*[-–/]\\s*\\d{1,4}[a-z]?)?(?![\\d])'
const EN_STREET =
  'Street|St\\.?|Road|Rd\\.?|Avenue|Ave\\.?|Lane|Ln\\.?|Drive|Close|Way|Place|Pl\\.?|Court|Ct\\.?|' +
  'Crescent|Gardens|Terrace|Square|Sq\\.?|Boulevard|Blvd\\.?|Grove|Row|Mews|Hill|Walk|Parade'

const ADDRESS_PATTERNS: RegExp[] = [
  // Lindenstraße 12, Karl-Marx-Str. 5a, Am Stadtpark 3 (one word ending in a street word)
  new RegExp(
    `(?<![\\p{L}])\\p{Lu}[\\p{L}-]*(?:${STREET_SUFFIX}|-(?:${STREET_WORDS}))\\s+${HOUSE_NUMBER}`,
    'gu',
  ),
  // Berliner Straße 5, Kölner Str. 3, Alte Landstraße 9
  new RegExp(
    `(?<![\\p{L}])\\p{Lu}[\\p{L}-]+\\s+(?:Straße|Strasse|Str\\.|Weg|Platz|Allee|Ring|Damm|Chaussee|Gasse|Markt)\\s+${HOUSE_NUMBER}`,
    'gu',
  ),
  // Am Rosengarten 4, An der Alster 12, Unter den Linden 7, Zum Brunnen 3, Im Winkel 2
  new RegExp(
    `\\b(?:Am|An der|An den|Auf der|Auf dem|Im|In der|In den|Zum|Zur|Unter den|Hinter der|Hinter dem|Vor dem|Bei der)\\s+\\p{Lu}[\\p{L}-]+\\s+${HOUSE_NUMBER}`,
    'gu',
  ),
  // Streets named without a number: in der Lindenstraße (compounds only, never "Umweg")
  /(?<![\p{L}])\p{Lu}[\p{L}-]*(?:straße|strasse|gasse|allee|chaussee|-Straße|-Allee|-Gasse)(?![\p{L}])/gu,
  // 10115 Berlin, D-80331 München, 60311 Frankfurt am Main
  /(?<![\d])(?:D-)?\d{5}\s+\p{Lu}[\p{L}-]+(?:\s+(?:am|an der|im|in der|ob der|\/)\s*\p{Lu}[\p{L}-]*)?/gu,
  // 12 Baker Street, 221B Baker Street, 4 Elm Tree Close
  new RegExp(`\\b\\d{1,5}[A-Za-z]?,?\\s+(?:\\p{Lu}[\\p{L}'-]+\\s+){1,3}(?:${EN_STREET})(?![\\p{L}])`, 'gu'),
  // Flat 3, Apartment 4B
  /\b(?:Flat|Apartment|Apt\.?)\s+\d{1,4}[A-Z]?\b/g,
  // UK postcodes: SW1A 1AA, M1 1AE, B33 8TH
  /\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b/g,
  // US: Springfield, IL 62704
  /\b\p{Lu}[\p{L}-]+,\s+[A-Z]{2}\s+\d{5}(?:-\d{4})?\b/gu,
]

function findAddresses(text: string): Span[] {
  return ADDRESS_PATTERNS.flatMap((pattern) => matches(text, pattern, 'ADDRESS'))
}

function findPhones(text: string): Span[] {
  const spans: Span[] = []
  for (const country of ['DE', 'GB', 'US'] as const) {
    for (const found of findPhoneNumbersInText(text, { defaultCountry: country })) {
      // Short numbers valid somewhere (a postcode read as a US extension) are no phone numbers here.
      if (text.slice(found.startsAt, found.endsAt).replace(/\D/g, '').length < 7) continue
      spans.push({ start: found.startsAt, end: found.endsAt, category: 'PHONE' })
    }
  }
  // Numbers the library does not know as valid (new ranges, typos, fictional ones): an international
  // or trunk prefix and 7 to 15 digits in groups.
  for (const match of text.matchAll(
    /(?<![\w+])(?:\+\d{1,3}[\s./-]?(?:\(0\)\s?)?|\(?0)\d{1,5}\)?(?:[\s./-]?\d{2,}){1,5}(?![\d])/g,
  )) {
    const digits = match[0].replace(/\D/g, '').length
    if (digits >= 7 && digits <= 15) {
      spans.push({ start: match.index, end: match.index + match[0].length, category: 'PHONE' })
    }
  }
  return spans
}

// --- Names -----------------------------------------------------------------------------------

/** Forms of address and roles after which a capitalised word is a name. */
const STRONG_TITLES = new Set(
  (
    'frau herr herrn hr fr dr prof professor mr mrs ms miss mx familie fam sir madam dame lady lord ' +
    'doktor schwester pfarrer pastor rabbi imam'
  ).split(' '),
)
/** Words after which a capitalised word is a name only when the name list knows it. */
const WEAK_TITLES = new Set(
  (
    'patientin patient patienten klientin klient klienten schülerin schüler ' +
    'sohn tochter mann ehemann ehefrau partner partnerin freund freundin bruder schwester mutter vater ' +
    'oma opa großmutter großvater onkel tante cousin cousine neffe nichte enkel enkelin kollege kollegin ' +
    'chef chefin lehrerin lehrer mitbewohner mitbewohnerin exmann exfrau ex stiefvater stiefmutter kind ' +
    'schwager schwägerin verlobte verlobter nachbar nachbarin betreuer betreuerin erzieherin erzieher ' +
    'sohnes tochter vaters mutter bruders'
  ).split(' '),
)
/** English relations: English capitalises only proper nouns, so any capitalised word after them is a name. */
const ENGLISH_RELATIONS = new Set(
  (
    'son daughter husband wife partner boyfriend girlfriend friend brother sister mother father mum mom ' +
    'dad grandmother grandfather gran granny grandma grandpa uncle aunt cousin nephew niece colleague ' +
    'boss teacher flatmate roommate stepfather stepmother stepson stepdaughter ex child fiancé fiancée ' +
    'fiance fiancee neighbour neighbor carer client patient named called'
  ).split(' '),
)
/** After these a capitalised word is a name whatever it is. */
const NAMING_WORDS = new Set('namens names heißt heisst genannt named called'.split(' '))

/**
 * Capitalised words that name lists contain but that are far more often ordinary words at the
 * start of a sentence, months, weekdays or nouns (German capitalises every noun).
 */
const COMMON = new Set(
  (
    'June April August Summer Winter Autumn Mai Juni Juli ' +
    'Mo Di Do Fr Sa So Wolf Fuchs Hase Bär Engel Kaiser König Koch Bauer Fischer Müller Schneider ' +
    'Weber Wagner Becker Schäfer Richter Meister Vogel Sommer Herbst Frühling Lange Kurz Klein Groß ' +
    'Hoffnung Sonne Liebe Glück Ruhe Freude Angst Trauer Wut Scham Schuld Stern Blume Rosa Summer ' +
    'Christmas Easter Ostern Weihnachten Monday Tuesday Wednesday Thursday Friday Saturday Sunday ' +
    'Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag Januar Februar März Mai Oktober ' +
    'November Dezember January February March October December Der Die Das Den Dem Des Ein Eine ' +
    'Einen Er Sie Es Wir Ihr Ich Du Mein Meine Sein Seine The And But Or So If As At In On To Of For ' +
    'With From By Is Was Are Has Had She He They We You It This That There Then When What Why How ' +
    'Who Also Even Still Just Only Since Sehr Nach Vor Bei Mit Seit Zum Zur Im Am An Auf Aus Um Wie ' +
    'Was Wenn Als Und Oder Aber Doch Noch Schon Heute Morgen Gestern Jetzt Dann Danach Patient ' +
    'Patientin Therapie Sitzung Session Therapist Klinik Praxis Doctor Doktor Mutter Vater Sohn ' +
    'Tochter Bruder Schwester Kind Kinder Familie Family Mother Father Son Daughter Brother Sister ' +
    'Husband Wife Partner Friend Frau Herr Mann Mr Mrs Ms Miss Dr Prof Hausarzt Psychiater Schule ' +
    'School Work Arbeit Job Chef Boss Team Gruppe Group God Gott Allah Jesus Anfang Ende Mitte ' +
    'Termin Woche Monat Jahr Tag Abend Nacht Early Late Both Each Every Many Most Much Some Any All ' +
    'None One Two Three First Second Last Next New Old Good Bad Best Better More Less Very Well Here ' +
    'Home Haus Hause Stadt City Land Deutschland Germany England London Berlin Hamburg München Köln ' +
    'Frankfurt Stuttgart Leipzig Dresden Bremen Hannover Nürnberg Europe Europa Türkei Turkey Polen ' +
    'Poland Syrien Syria Ukraine Italien Italy Afrika Africa America Amerika Asia Asien Eid Ramadan ' +
    'Gym Park Lake See Berg Wald Meer Strand Sea Beach Sun Moon Mond Regen Rain Snow Schnee Kai Hafen ' +
    'Rat Ruth Mercy Patience Honor Honour Justice Chance Constance Prudence Happy Baby Sweet Love ' +
    'Angel Precious Diamond Crystal Amber Ruby Pearl Jade Jasper Hazel Heather Holly Violet Daisy ' +
    'Poppy Willow Olive Ginger Pepper Sage Basil Clay Cliff Dale Glen Heath Lane Lee Reed Wade West ' +
    'North South East Stone Brook Ford Banks Bell Bird Black Brown White Green Gray Grey Young King ' +
    'Hall Wood Hill Moore Price Long Short Rich Strong Sharp Hart Noble Page Parks Person Case Major ' +
    'Deutsch English German Polish Turkish Arabic Islam Christ Pfarrer Imam Ärztin Arzt ' +
    'Therapeutin Therapeut Psychologin Psychologe Lehrerin Lehrer Erzieherin Trainer Trainerin Berater ' +
    'Beraterin Schulleiter Klasse Class Kita Kindergarten Uni University Universität Studium Lehre ' +
    'Ausbildung Nein Ja Yes No Okay Bitte Danke Thanks Sorry Hallo Hello Hi Dear Liebe Lieber Sehr ' +
    'Geehrte Geehrter Diagnose Depression Anxiety Trauma Panik Panic Schlaf Sleep Essen Food Alkohol ' +
    'Alcohol Cannabis Medikament Medication Tablette Gewicht Sport Musik Music Kunst Buch Book Film ' +
    'Serie Handy Phone Internet Instagram TikTok WhatsApp Facebook Google Ferien Urlaub Holiday ' +
    'Holidays Kur Reha Krankenhaus Hospital Station Ward Notaufnahme Emergency Police Polizei ' +
    'Jugendamt Gericht Court Amt Office Bank Post Kirche Church Moschee Mosque Verein Club Fußball ' +
    'Football Tennis Ballett Ballet Chor Choir Band Orchester Theater Theatre Kino Cinema Mall Markt ' +
    'Supermarkt Laden Shop Store Zuhause Wohnung Flat Zimmer Room Küche Kitchen Bett Bed Garten Garden ' +
    'Auto Car Bus Zug Train Bahn Fahrrad Bike Hund Dog Katze Cat Pferd Horse Vogel Bird Fisch Fish ' +
    'Essay Test Exam Prüfung Abitur Zeugnis Note Notes Grade Hausaufgaben Homework Lernen Learning ' +
    'Ehe Marriage Scheidung Divorce Trennung Hochzeit Wedding Geburt Birth Tod Death Beerdigung ' +
    'Funeral Geburtstag Birthday Feier Party Fest Festival Reise Trip Journey Flucht Krieg War ' +
    'Frieden Peace Heimat Sprache Language Kultur Culture Religion Glaube Faith Freiheit Freedom Mut ' +
    'Courage Kraft Strength Energie Energy Stress Druck Pressure Sorge Sorgen Worry Problem Probleme ' +
    'Problems Ziel Goal Goals Plan Weg Way Schritt Step Steps Fortschritt Progress Erfolg Success ' +
    'Misserfolg Failure Fehler Mistake Gefühl Feeling Feelings Gedanke Gedanken Thought Thoughts ' +
    'Traum Dream Dreams Albtraum Nightmare Erinnerung Memory Memories Vergangenheit Past Zukunft ' +
    'Future Gegenwart Present Moment Zeit Time Leben Life Welt World Mensch Menschen People Person ' +
    'Leute Körper Body Kopf Head Herz Heart Seele Soul Geist Mind Hand Hands Auge Eyes Stimme Voice'
  )
    .split(' ')
    .filter(Boolean),
)
// Forms of address and relations are never names themselves ("Oma" is a first name somewhere).
for (const word of [...STRONG_TITLES, ...WEAK_TITLES, ...ENGLISH_RELATIONS]) {
  COMMON.add(word.charAt(0).toUpperCase() + word.slice(1))
}

/** Names that are also English words: no name at the start of a sentence ("Will you…", "Hope is…"). */
const AMBIGUOUS_AT_START = new Set(
  (
    'Will May Mark Hope Grace Faith Joy Rose Iris Lily Ivy Dawn Art Bill Frank Ray Guy Rich Sky Star ' +
    'Sunny Can Bay Don Pat Sue Al Eve Max Ben Bob Kai Ruth Jack Chase Hunter Sandy Rusty Drew Gene ' +
    'Penny Carol Sally Harry Jimmy Billy Nick Rob Sam Tom Ted Mike Sonny Ali Deniz Umut Ay Su Nur ' +
    'Hoa Lan An Ha Hai Long Nam Viet Vinh Lo Ina Ole Lars Uwe Udo Hein Lotte Anne'
  ).split(' '),
)
const PARTICLES = new Set(
  'von van de di da del della der den ter ten al el bin ibn le la du dos das zu vom'.split(' '),
)

interface Token {
  text: string
  start: number
  end: number
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  for (const match of text.matchAll(/[\p{L}\p{M}]+(?:['’-][\p{L}\p{M}]+)*\.?/gu)) {
    let value = match[0]
    // A full stop belongs to abbreviations (Dr., Fr.) and initials (K.), not to a word ending a sentence.
    if (value.endsWith('.') && !/^(?:\p{Lu}|Dr|Prof|Hr|Fr|Mr|Mrs|Ms|Mx|Fam|St)\.$/u.test(value)) {
      value = value.slice(0, -1)
    }
    tokens.push({ text: value, start: match.index, end: match.index + value.length })
  }
  return tokens
}

const isCapitalised = (word: string) => /^\p{Lu}[\p{Ll}\p{M}'’-]/u.test(word) || /^\p{Lu}\.$/u.test(word)
/** "Sarah's", "Annas" (German genitive): the name without its ending. */
function nameCore(word: string): string {
  return word.replace(/['’]s$/u, '')
}
const bare = (word: string) => word.replace(/\.$/, '').toLowerCase()

function inLists(word: string): boolean {
  const { first, last } = nameLists()
  const core = nameCore(word)
  if (first.has(core) || last.has(core)) return true
  // German genitive: "Annas Mutter", "Jonas'" is already a name
  return /s$/u.test(core) && core.length > 3 && first.has(core.slice(0, -1))
}
function isFirstName(word: string): boolean {
  const { first } = nameLists()
  const core = nameCore(word)
  if (first.has(core)) return true
  // Double first names: Klaus-Peter, Anna-Lena
  if (core.includes('-') && core.split('-').every((part) => first.has(part))) return true
  return /s$/u.test(core) && core.length > 3 && first.has(core.slice(0, -1))
}

/** Sentence starts: the word before ends a sentence, or there is none. */
function startsSentence(text: string, token: Token): boolean {
  const before = text.slice(0, token.start).trimEnd()
  return before === '' || /[.!?:;"„“”»«\n-]$/u.test(before)
}

function findPersons(text: string): Span[] {
  const tokens = tokenize(text)
  const spans: Span[] = []
  const taken = new Set<number>()

  /** The name starting at token i: its capitalised words (particles inside allowed). */
  const nameFrom = (i: number, any: boolean): number => {
    let end = i
    if (!isCapitalised(tokens[i]!.text)) return -1
    for (let j = i + 1; j < tokens.length && j <= i + 3; j++) {
      const gap = text.slice(tokens[j - 1]!.end, tokens[j]!.start)
      if (!/^[ \t]+$/.test(gap) && !(gap === '' && tokens[j - 1]!.text.endsWith('.'))) break
      const word = tokens[j]!.text
      if (PARTICLES.has(word) && tokens[j + 1] && isCapitalised(tokens[j + 1]!.text)) continue
      if (!isCapitalised(word)) break
      // A surname that is also a noun ("Anna Schneider", "Laura Klein") still belongs to the name.
      if (
        COMMON.has(nameCore(word)) &&
        !(isFirstName(tokens[i]!.text) && nameLists().last.has(nameCore(word)))
      )
        break
      if (!any && !inLists(word) && !/^\p{Lu}[\p{Ll}]+-\p{Lu}/u.test(word)) {
        // After a known first name, a capitalised unknown word is taken as the surname unless it
        // starts a new clause.
        if (!isFirstName(tokens[j - 1]!.text)) break
      }
      end = j
    }
    return end
  }

  const add = (from: number, to: number) => {
    for (let k = from; k <= to; k++) taken.add(k)
    const first = tokens[from]!
    const last = tokens[to]!
    const end = last.start + nameCore(last.text).length
    spans.push({ start: first.start, end, category: 'PERSON' })
  }

  for (let i = 0; i < tokens.length; i++) {
    const word = tokens[i]!.text
    const lower = bare(word)
    const next = tokens[i + 1]
    if (!next) continue
    const gap = text.slice(tokens[i]!.end, next.start)
    const adjacent = /^[ \t]*,?[ \t]*$/.test(gap) || (word.endsWith('.') && /^[ \t]*$/.test(gap))
    if (!adjacent) continue

    const strong = STRONG_TITLES.has(lower) && (isCapitalised(word) || lower === 'frau' || lower === 'herr')
    const weak = WEAK_TITLES.has(lower)
    const english = ENGLISH_RELATIONS.has(lower) && /^\p{Ll}/u.test(word)
    const naming = NAMING_WORDS.has(lower)
    if (!strong && !weak && !english && !naming) continue

    // Titles can stack: "Frau Dr. Yilmaz", "Herrn Prof. Dr. Hansen"
    let j = i + 1
    while (j < tokens.length && STRONG_TITLES.has(bare(tokens[j]!.text)) && /^\p{Lu}/u.test(tokens[j]!.text))
      j++
    // "Herr von Hagen", "Frau de Luca": the particle starts the name
    if (tokens[j] && PARTICLES.has(tokens[j]!.text) && tokens[j + 1] && isCapitalised(tokens[j + 1]!.text)) {
      const end = nameFrom(j + 1, true)
      if (end >= 0) {
        add(j, end)
        continue
      }
    }
    const candidate = tokens[j]
    if (!candidate || taken.has(j) || !isCapitalised(candidate.text)) continue
    const core = nameCore(candidate.text)
    if (COMMON.has(core) && !strong && !naming) continue
    if (
      strong &&
      /^(?:Doktor|Doctor|Professor|Professorin|Ministerin|Minister|Kollegin|Kollege)$/u.test(core)
    )
      continue
    if (weak && !english && !strong && !naming && !inLists(candidate.text)) continue
    if (PARTICLES.has(candidate.text)) continue
    const end = nameFrom(j, strong || naming || english)
    if (end >= 0) add(j, end)
  }

  // Known first names anywhere, with the surname that follows them.
  for (let i = 0; i < tokens.length; i++) {
    if (taken.has(i)) continue
    const word = tokens[i]!.text
    const core = nameCore(word)
    if (!isCapitalised(word) || core.length < 3 || !isFirstName(word)) continue
    if (COMMON.has(core)) continue
    const end = nameFrom(i, false)
    // "Will you …" is no name, "Ben Hofmann …" is: at a sentence start an ambiguous first name
    // needs a surname after it.
    if (startsSentence(text, tokens[i]!) && AMBIGUOUS_AT_START.has(core) && end === i) continue
    if (end >= 0) add(i, end)
    i = Math.max(i, end)
  }
  return spans
}
