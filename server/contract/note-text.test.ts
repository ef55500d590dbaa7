import { describe, expect, it } from 'vitest'
import { noteAsPlainText, toPlainText } from './note-text.ts'

describe('plain text of a note', () => {
  it('drops Markdown markers and keeps lists and line structure', () => {
    expect(
      toPlainText(
        '## Plan\n\n* **Two** more _sessions_\n- `sleep` diary\n> quoted\n\n\n\n[link](https://x.test)',
      ),
    ).toBe('Plan\n\n- Two more sessions\n- sleep diary\nquoted\n\nlink (https://x.test)')
    expect(toPlainText('a ** b *** c')).not.toContain('*')
  })

  it('keeps hostile markup as the text it is', () => {
    expect(toPlainText('<script>alert(1)</script>')).toBe('<script>alert(1)</script>')
  })

  it('writes the whole note under its headings', () => {
    const text = noteAsPlainText({
      heading: 'Note: K-17',
      meta: ['Follow-up'],
      sections: [{ title: 'Plan', content: '**Next** week' }],
      signature: 'Signed by C',
    })
    expect(text).toBe('Note: K-17\nFollow-up\n\nPlan\nNext week\n\nSigned by C\n')
  })
})
