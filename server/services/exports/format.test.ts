// docs/export-format.md shows the export's JSON Schema; it must be the one the code has.
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'
import { exportJsonSchema } from './format.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')

it('documents the current JSON Schema in docs/export-format.md', async () => {
  const doc = await readFile(path.join(root, 'docs/export-format.md'), 'utf8')
  const blocks = [...doc.matchAll(/```json\n([\s\S]*?)\n```/g)].map((match) => match[1]!)
  // The last JSON block is the schema (Prettier may lay it out differently; the content must match).
  expect(JSON.parse(blocks.at(-1)!)).toEqual(JSON.parse(JSON.stringify(exportJsonSchema())))
})
