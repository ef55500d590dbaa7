import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { I18nextProvider } from 'react-i18next'
import { describe, expect, it } from 'vitest'
import { createI18n } from '#app/i18n/instance.ts'
import { MarkdownText, safeUrl } from './markdown.tsx'

const i18n = createI18n('en')

function render(text: string) {
  return renderToStaticMarkup(createElement(I18nextProvider, { i18n }, createElement(MarkdownText, { text })))
}

describe('MarkdownText', () => {
  it('shows raw HTML as text and never as elements', () => {
    const html = render('Before <script>alert(1)</script> and <img src=x onerror=alert(1)> after')
    expect(html).not.toMatch(/<script|<img/i)
    expect(html).not.toMatch(/<[^>]*\sonerror=/i)
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;')
  })

  it('drops javascript:, data: and relative links but keeps their text', () => {
    const html = render(
      '[one](javascript:alert(1)) [two](JaVaScRiPt:alert(1)) [three](data:text/html,x) [four](/app) [five](java\tscript:x)',
    )
    expect(html).not.toMatch(/href=/i)
    for (const word of ['one', 'two', 'three', 'four', 'five']) expect(html).toContain(word)
  })

  it('opens http(s) and mailto links in a new tab without an opener', () => {
    const html = render(
      '[site](https://example.org/a?b=1) and [mail](mailto:team@example.org) and www.example.com',
    )
    expect(html).toContain('<a href="https://example.org/a?b=1" target="_blank" rel="noopener noreferrer"')
    expect(html).toContain('<a href="mailto:team@example.org" target="_blank" rel="noopener noreferrer"')
    expect(html).toContain('href="http://www.example.com/"')
  })

  it('never loads an image: it becomes a link naming the image', () => {
    const html = render(
      '![beacon](http://127.0.0.1:9/beacon.png) ![bad](javascript:alert(1)) ![ref][r]\n\n[r]: https://x.example/p.gif',
    )
    expect(html).not.toMatch(/<img/i)
    expect(html).toContain(
      '<a href="http://127.0.0.1:9/beacon.png" target="_blank" rel="noopener noreferrer"',
    )
    expect(html).toContain('Image: beacon')
    expect(html).toContain('[Image: bad]')
    expect(html).toContain('Image: ref')
  })

  it('renders GFM tables and code blocks with a copy button', () => {
    const html = render('| a | b |\n| - | - |\n| 1 | 2 |\n\n```js\nconst x = "<b>"\n```')
    expect(html).toContain('<table')
    expect(html).toContain('&lt;b&gt;')
    expect(html).toMatch(/<button[^>]*>Copy<span class="sr-only"> code<\/span><\/button>/)
  })
})

describe('safeUrl', () => {
  it('keeps only absolute http, https and mailto URLs', () => {
    expect(safeUrl('https://example.org')).toBe('https://example.org/')
    expect(safeUrl(' http://a.example/x ')).toBe('http://a.example/x')
    expect(safeUrl('mailto:a@b.example')).toBe('mailto:a@b.example')
    for (const url of [
      'javascript:alert(1)',
      'vbscript:x',
      'data:text/html,x',
      'file:///etc/passwd',
      '/app',
      '#x',
      '',
    ]) {
      expect(safeUrl(url)).toBeUndefined()
    }
  })
})
