// withoutMarkdown: a snippet's Markdown markers go, its highlights stay on their words.
import { describe, expect, it } from 'vitest'
import { withoutMarkdown, type Snippet } from './search.ts'

const marked = (snippet: Snippet) => snippet.highlights.map((h) => snippet.text.slice(h.start, h.end))

function snippetOf(text: string, words: string[]): Snippet {
  return {
    text,
    highlights: words.map((word) => {
      const start = text.indexOf(word)
      return { start, end: start + word.length }
    }),
  }
}

describe('withoutMarkdown', () => {
  it('drops emphasis, headings, code and list markers and moves the highlights along', () => {
    const result = withoutMarkdown(
      snippetOf('## Plan\n\n* **Schlafhygiene** besprechen\n* _Atemübung_ mit `4-7-8`', [
        'Schlafhygiene',
        'Atemübung',
      ]),
    )
    expect(result.text).toBe('Plan - Schlafhygiene besprechen - Atemübung mit 4-7-8')
    expect(marked(result)).toEqual(['Schlafhygiene', 'Atemübung'])
  })

  it('keeps a link’s text when the window cuts through it, at either end', () => {
    const end = withoutMarkdown(
      snippetOf('Atemübung üben. Mehr in der [Leitlinie](https://exa', ['Atemübung']),
    )
    expect(end.text).toBe('Atemübung üben. Mehr in der Leitlinie')
    expect(marked(end)).toEqual(['Atemübung'])
    const start = withoutMarkdown(snippetOf('linie](https://example.org) zur Atemübung', ['Atemübung']))
    expect(start.text).toBe('linie zur Atemübung')
    expect(marked(start)).toEqual(['Atemübung'])
  })

  it('leaves plain text and its highlights as they were', () => {
    const plain = snippetOf('Die Patientin hat zwei Therapien abgebrochen.', ['Therapien'])
    expect(withoutMarkdown(plain)).toEqual(plain)
  })
})
