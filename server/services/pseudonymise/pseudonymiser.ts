// Stable placeholders for one conversation or note: every detail found gets `[PERSON_1]`,
// `[DATE_1]`, `[PHONE_1]` …, the same detail always the same placeholder, across turns, so the model
// can follow who is who without ever seeing them. Details seen before are replaced wherever they
// appear again, even without the context that found them first ("Frau Winter" … later "Winter").
// The answer's placeholders are turned back into the details for the clinician, also while it
// streams, where a placeholder may arrive split over two pieces of text (StreamRestorer).
import { detect, type Category, type DetectOptions } from './detect.ts'

export interface MappingEntry {
  placeholder: string
  original: string
  category: Category
}

export interface MappingState {
  entries: MappingEntry[]
  /** The last number used per category. */
  counters: Partial<Record<Category, number>>
}

/** More than this and the oldest details stop being tracked as known (they are still detected anew). */
export const MAX_ENTRIES = 5_000
const PLACEHOLDER = /\[([A-Z]{2,8})_(\d{1,5})\]/g
/** The longest a placeholder can be, `[ADDRESS_99999]`: what a stream may hold back. */
const LONGEST_PLACEHOLDER = 16

export const emptyMapping = (): MappingState => ({ entries: [], counters: {} })

export class Pseudonymiser {
  private readonly byOriginal = new Map<string, MappingEntry>()
  private readonly byPlaceholder = new Map<string, MappingEntry>()
  private readonly state: MappingState

  constructor(state: MappingState = emptyMapping()) {
    this.state = { entries: [...state.entries], counters: { ...state.counters } }
    for (const entry of this.state.entries) this.index(entry)
  }

  get mapping(): MappingState {
    return { entries: [...this.state.entries], counters: { ...this.state.counters } }
  }

  /** How many details are mapped. */
  get size(): number {
    return this.state.entries.length
  }

  private index(entry: MappingEntry) {
    this.byOriginal.set(entry.original, entry)
    this.byPlaceholder.set(entry.placeholder, entry)
  }

  private placeholderFor(original: string, category: Category): string {
    const known = this.byOriginal.get(original)
    if (known) return known.placeholder
    const number = (this.state.counters[category] ?? 0) + 1
    this.state.counters[category] = number
    const entry = { placeholder: `[${category}_${number}]`, original, category }
    this.state.entries.push(entry)
    if (this.state.entries.length > MAX_ENTRIES) {
      const dropped = this.state.entries.shift()!
      this.byOriginal.delete(dropped.original)
      this.byPlaceholder.delete(dropped.placeholder)
    }
    this.index(entry)
    return entry.placeholder
  }

  /** The text with every known and newly found detail replaced by its placeholder. */
  pseudonymise(text: string, options: DetectOptions = {}): string {
    const known = this.knownSpans(text)
    const detected = detect(text, options).filter(
      (span) => !known.some((other) => span.start < other.end && other.start < span.end),
    )
    const spans = [...known, ...detected].sort((a, b) => a.start - b.start)
    let out = ''
    let at = 0
    for (const span of spans) {
      if (span.start < at) continue
      const original = text.slice(span.start, span.end)
      out += text.slice(at, span.start) + this.placeholderFor(original, span.category)
      at = span.end
      // A person's name parts are remembered too, so "Winter" alone is caught after "Anna Winter".
      if (span.category === 'PERSON') {
        for (const part of original.split(/\s+/)) {
          if (part.length >= 3 && part !== original && /^\p{Lu}/u.test(part) && !part.endsWith('.')) {
            this.placeholderFor(part, 'PERSON')
          }
        }
      }
    }
    return out + text.slice(at)
  }

  /** Where details mapped before occur again: longest first, whole words only. */
  private knownSpans(text: string): Array<{ start: number; end: number; category: Category }> {
    const spans: Array<{ start: number; end: number; category: Category }> = []
    const originals = [...this.byOriginal.values()].sort((a, b) => b.original.length - a.original.length)
    for (const entry of originals) {
      let from = 0
      for (;;) {
        const at = text.indexOf(entry.original, from)
        if (at < 0) break
        from = at + 1
        const end = at + entry.original.length
        const wordStart = /[\p{L}\p{N}]/u.test(entry.original[0]!)
        const wordEnd = /[\p{L}\p{N}]/u.test(entry.original.at(-1)!)
        if (wordStart && at > 0 && /[\p{L}\p{N}]/u.test(text[at - 1]!)) continue
        if (wordEnd && end < text.length && /[\p{L}\p{N}]/u.test(text[end]!)) continue
        if (spans.some((other) => at < other.end && other.start < end)) continue
        spans.push({ start: at, end, category: entry.category })
      }
    }
    return spans
  }

  /** The text with every known placeholder replaced by its detail; unknown ones stay as they are. */
  restore(text: string): string {
    return text.replace(
      PLACEHOLDER,
      (placeholder) => this.byPlaceholder.get(placeholder)?.original ?? placeholder,
    )
  }

  /** A restorer for one streamed answer. */
  streamRestorer(): StreamRestorer {
    return new StreamRestorer((text) => this.restore(text))
  }
}

/**
 * Restores a streamed answer piece by piece. A piece ending in what may be the start of a
 * placeholder (`… [PERS`) keeps that tail back until the next piece completes or breaks it, so a
 * placeholder split over two pieces is restored whole. What `push` and `flush` return, joined,
 * is exactly `restore` of the whole answer.
 */
export class StreamRestorer {
  private held = ''

  constructor(private readonly restore: (text: string) => string) {}

  push(piece: string): string {
    const text = this.held + piece
    const open = text.lastIndexOf('[')
    if (
      open >= 0 &&
      text.length - open < LONGEST_PLACEHOLDER &&
      /^\[[A-Z]{0,8}(?:_\d{0,5})?$/.test(text.slice(open))
    ) {
      this.held = text.slice(open)
      return this.restore(text.slice(0, open))
    }
    this.held = ''
    return this.restore(text)
  }

  flush(): string {
    const rest = this.held
    this.held = ''
    return this.restore(rest)
  }
}
