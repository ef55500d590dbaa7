// The labelled corpus (corpus.de.txt, corpus.en.txt) and how the detector scores on it: per
// category, precision (how many findings are real) and recall (how many real details are found).
// A finding counts when it overlaps a marked detail of the same category, so "Frau Winter" marked
// whole and "Winter" found are a match, as are an age marked with its words and found as a number.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { CATEGORIES, detect, type Category, type Span } from '#server/services/pseudonymise/detect.ts'

export interface LabelledSentence {
  language: 'de' | 'en'
  line: number
  text: string
  gold: Span[]
  /** Written after the rules were tuned and not tuned against: what the rules do on text they never saw. */
  heldOut: boolean
}

const here = path.dirname(fileURLToPath(import.meta.url))

export function loadCorpus(language: 'de' | 'en'): LabelledSentence[] {
  const raw = readFileSync(path.join(here, `corpus.${language}.txt`), 'utf8')
  const sentences: LabelledSentence[] = []
  let heldOut = false
  raw.split('\n').forEach((line, index) => {
    if (line.startsWith('# --- held out')) heldOut = true
    if (line.trim() === '' || line.startsWith('#')) return
    let text = ''
    const gold: Span[] = []
    let at = 0
    for (const match of line.matchAll(/\{([A-Z]+):([^}]+)\}/g)) {
      const category = match[1] as Category
      if (!CATEGORIES.includes(category))
        throw new Error(`corpus.${language}.txt:${index + 1}: unknown ${category}`)
      text += line.slice(at, match.index)
      gold.push({ start: text.length, end: text.length + match[2]!.length, category })
      text += match[2]
      at = match.index + match[0].length
    }
    text += line.slice(at)
    sentences.push({ language, line: index + 1, text, gold, heldOut })
  })
  return sentences
}

export interface CategoryScore {
  category: Category
  gold: number
  found: number
  recalled: number
  correct: number
  precision: number
  recall: number
}

export interface CorpusScore {
  sentences: number
  categories: CategoryScore[]
  /** What was missed and what was found wrongly, for reading, never for logs of real data. */
  misses: Array<{ line: string; text: string; category: Category }>
  falseFindings: Array<{ line: string; text: string; category: Category }>
}

const overlaps = (a: Span, b: Span) => a.start < b.end && b.start < a.end

export function scoreCorpus(sentences: LabelledSentence[]): CorpusScore {
  const counts = new Map<Category, { gold: number; found: number; recalled: number; correct: number }>()
  const count = (category: Category) => {
    let entry = counts.get(category)
    if (!entry) counts.set(category, (entry = { gold: 0, found: 0, recalled: 0, correct: 0 }))
    return entry
  }
  const misses: CorpusScore['misses'] = []
  const falseFindings: CorpusScore['falseFindings'] = []
  for (const sentence of sentences) {
    const found = detect(sentence.text)
    const where = `${sentence.language}:${sentence.line}`
    for (const gold of sentence.gold) {
      const entry = count(gold.category)
      entry.gold++
      if (found.some((span) => span.category === gold.category && overlaps(span, gold))) entry.recalled++
      else
        misses.push({ line: where, text: sentence.text.slice(gold.start, gold.end), category: gold.category })
    }
    for (const span of found) {
      const entry = count(span.category)
      entry.found++
      if (sentence.gold.some((gold) => gold.category === span.category && overlaps(span, gold)))
        entry.correct++
      else
        falseFindings.push({
          line: where,
          text: sentence.text.slice(span.start, span.end),
          category: span.category,
        })
    }
  }
  const categories = CATEGORIES.filter((category) => counts.has(category)).map((category) => {
    const entry = counts.get(category)!
    return {
      category,
      ...entry,
      precision: entry.found === 0 ? 1 : entry.correct / entry.found,
      recall: entry.gold === 0 ? 1 : entry.recalled / entry.gold,
    }
  })
  return { sentences: sentences.length, categories, misses, falseFindings }
}
