// docs/api-reference.md is generated from the router; this keeps the committed
// file equal to what the router says today.
import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import {
  generateReference,
  listProcedureReferences,
  readDescriptions,
  REFERENCE_FILE,
  REGENERATE_COMMAND,
} from './reference.ts'
import { appRouter } from './root.ts'

const routerPaths = Object.keys(appRouter._def.procedures)

describe('the API reference', () => {
  it('is committed exactly as the router generates it', async () => {
    const committed = await readFile(REFERENCE_FILE, 'utf8').catch(() => '')
    expect(
      committed === (await generateReference()),
      `docs/api-reference.md is out of date with the router: run \`${REGENERATE_COMMAND}\` and commit the result`,
    ).toBe(true)
  })

  it('documents every procedure of the router, with its type and kind', async () => {
    const committed = await readFile(REFERENCE_FILE, 'utf8')
    expect(routerPaths.length).toBeGreaterThan(0)
    const references = listProcedureReferences()
    expect(references.map((reference) => reference.path)).toEqual(routerPaths)
    for (const reference of references) {
      const section = committed.split(`\n### \`${reference.path}\`\n`)[1]?.split('\n### ')[0]
      expect(section, `no section for ${reference.path}`).toBeDefined()
      expect(section).toContain(`**${reference.type}** · kind [**${reference.kind}**]`)
      expect(committed).toContain(`| [\`${reference.path}\`](#`)
    }
  })

  it('tells the procedure kinds apart: admin.* procedures are admin-only, the rest run in the clinic', () => {
    for (const reference of listProcedureReferences()) {
      expect(reference.kind, reference.path).toBe(reference.path.startsWith('admin.') ? 'admin' : 'tenant')
    }
  })

  it('gives inputs as JSON Schema of what a caller may send', () => {
    const byPath = new Map(listProcedureReferences().map((reference) => [reference.path, reference]))
    const get = byPath.get('conversations.get')!
    expect(get).toMatchObject({ type: 'query', inputOptional: false })
    expect(get.input).toMatchObject({
      type: 'object',
      required: ['conversationId'],
      properties: {
        conversationId: { type: 'string', format: 'uuid' },
        messageLimit: { type: 'integer', minimum: 1, maximum: 100, default: 50 },
      },
    })
    // A prefaulted object may be left out entirely.
    expect(byPath.get('conversations.list')).toMatchObject({ inputOptional: true })
    expect(byPath.get('me.get')).toMatchObject({ input: null })
  })

  it("takes descriptions from the routers' doc comments", async () => {
    const descriptions = await readDescriptions()
    expect(descriptions.get('folders.list')).toBe(
      "The caller's folders, by name, with how many conversations each holds.",
    )
    expect(descriptions.get('admin.settings.update')).toMatch(/^Changes the given fields only;/)
    for (const path of descriptions.keys()) expect(routerPaths).toContain(path)
  })
})
