import { describe, expect, it } from 'vitest'
import { csvResponse, neutralizeFormula, toCsv } from './csv.server.ts'

describe('CSV downloads', () => {
  it('prefixes cells Excel would run as formulas, and only those', () => {
    for (const hostile of ['=1+1', '+SUM(A1)', '-2+3', '@cmd', '\t=x', '\r=x', '=HYPERLINK("http://x")']) {
      expect(neutralizeFormula(hostile)).toBe(`'${hostile}`)
    }
    for (const plain of ['Anna', 'a=b', 'gpt-4o', '', "'quoted"]) expect(neutralizeFormula(plain)).toBe(plain)
  })

  it('quotes separators, quotes and line breaks, keeps numbers, and starts with a BOM', () => {
    const csv = toCsv(
      ['name', 'tokens'],
      [
        ['Müller, "Anna"\nB', 12],
        ['=cmd|" /C calc"!A0', -5],
        [null, 0],
      ],
    )
    expect(csv.startsWith('\ufeff')).toBe(true)
    expect(csv.slice(1)).toBe(
      'name,tokens\r\n"Müller, ""Anna""\nB",12\r\n"\'=cmd|"" /C calc""!A0",-5\r\n,0\r\n',
    )
  })

  it('answers an attachment that is never cached', () => {
    const response = csvResponse('usage 2026-03.csv', 'a\r\n')
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="usage_2026-03.csv"')
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8')
  })
})
