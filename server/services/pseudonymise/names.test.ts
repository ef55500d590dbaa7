import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { namesModule } from './data/collect-names.ts'
import { nameLists } from './names.ts'

describe('the name lists', () => {
  it('are the generated ones, up to date with their sources (npm run names:generate)', () => {
    expect(readFileSync(new URL('./data/names.ts', import.meta.url), 'utf8')).toBe(namesModule())
  })

  it('know names of many origins, first and last', () => {
    const { first, last } = nameLists()
    for (const name of ['Anna', 'Mehmet', 'Olena', 'Chidi', 'Giulia', 'Katarzyna', 'Nguyen', 'Fatima']) {
      expect(first.has(name) || last.has(name), name).toBe(true)
    }
    expect(first.size).toBeGreaterThan(10_000)
    expect(last.size).toBeGreaterThan(10_000)
  })
})
