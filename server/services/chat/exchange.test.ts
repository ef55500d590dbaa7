import { describe, expect, it } from 'vitest'
import { titleFrom } from './exchange.ts'

describe('titleFrom', () => {
  it('takes the first non-empty line without Markdown markers', () => {
    expect(titleFrom('\n\n## **Plan** für   `Sitzung 3`\nDetails folgen')).toBe('Plan für Sitzung 3')
    expect(titleFrom('> - Zitat als Frage?')).toBe('Zitat als Frage?')
  })

  it('cuts long lines at a word boundary with an ellipsis', () => {
    const title = titleFrom(
      'Wie kann ich eine Patientin mit Schlafstörungen in der ersten Sitzung unterstützen?',
    )
    expect(title).toBe('Wie kann ich eine Patientin mit Schlafstörungen in der…')
    expect(titleFrom('x'.repeat(200))).toBe(`${'x'.repeat(60)}…`)
  })

  it('is empty for text without words, so the default title stays', () => {
    expect(titleFrom('  \n ** \n')).toBe('')
  })
})
