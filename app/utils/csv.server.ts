// CSV downloads for the settings area (csv-stringify: RFC 4180 quoting). Clinics open
// these in Excel, which runs a cell starting with = + - @ (or a tab or carriage return)
// as a formula: such text cells get a leading apostrophe, so they show as typed and
// never run. Numbers stay numbers. A byte-order mark makes Excel read UTF-8 (umlauts).
import { stringify } from 'csv-stringify/sync'

export type CsvCell = string | number | boolean | null | undefined

const FORMULA_START = /^[=+\-@\t\r]/

/** A text cell as Excel will show it, never as a formula. */
export function neutralizeFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value
}

export function toCsv(header: string[], rows: CsvCell[][]): string {
  return stringify([header, ...rows], {
    bom: true,
    record_delimiter: 'windows',
    cast: {
      string: (value) => neutralizeFormula(value),
      boolean: (value) => (value ? 'true' : 'false'),
    },
  })
}

/** The response for a CSV download: an attachment, never cached (shared clinic workstations). */
export function csvResponse(filename: string, body: string): Response {
  return new Response(body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  })
}
