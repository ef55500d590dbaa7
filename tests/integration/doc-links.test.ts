// The README and docs/ speak to people who have only this repository: every
// relative link in them points to a file that exists here, and none leaves the
// repository (../ above its root).
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const documents = [
  'README.md',
  ...readdirSync(path.join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
]

/** Markdown links and images: `[text](target)`, and bare mentions of ../ paths in code spans. */
function linksOf(markdown: string): string[] {
  // Fenced code (a JSON Schema's patterns, shell examples) holds no links.
  const text = markdown.replace(/^```[^\n]*\n[\s\S]*?^```/gm, '')
  const links = [...text.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((match) => match[1]!)
  const mentions = [...text.matchAll(/`(\.\.\/[^`\s]+)`/g)].map((match) => match[1]!)
  return [...links, ...mentions]
}

describe('links in the README and docs/', () => {
  it.each(documents)('%s links only to files in this repository that exist', (document) => {
    const text = readFileSync(path.join(root, document), 'utf8')
    const broken: string[] = []
    for (const link of linksOf(text)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link) || link.startsWith('#')) continue
      const target = path.resolve(path.dirname(path.join(root, document)), link.split('#')[0]!)
      if (!target.startsWith(root + path.sep) || !existsSync(target)) broken.push(link)
    }
    expect(broken).toEqual([])
  })

  it('finds the links it checks', () => {
    expect(linksOf(readFileSync(path.join(root, 'README.md'), 'utf8'))).toContain('docs/architecture.md')
    expect(linksOf('see `../shared/DESIGN.md` and [x](../outside.md)')).toEqual([
      '../outside.md',
      '../shared/DESIGN.md',
    ])
  })
})
