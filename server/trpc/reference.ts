// The API reference, generated from the router itself so it cannot drift:
// every procedure's path, query or mutation, kind (from the meta each kind in
// init.ts sets) and input as JSON Schema (from its zod schema); descriptions
// come from the doc comments on the routers' properties.
//   npm run api:reference            writes docs/api-reference.md
//   npm run api:reference -- --check exits 1 when the committed file is out of date
// server/trpc/reference.test.ts regenerates it in memory and compares.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as prettier from 'prettier'
import ts from 'typescript'
import { z } from 'zod'
import type { ProcedureKind, ProcedureMeta } from './init.ts'
import { appRouter } from './root.ts'

const trpcDir = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(trpcDir, '..', '..')

export const REFERENCE_FILE = path.join(root, 'docs', 'api-reference.md')
export const REGENERATE_COMMAND = 'npm run api:reference'

type JsonSchema = Record<string, unknown>

export interface ProcedureReference {
  path: string
  type: 'query' | 'mutation' | 'subscription'
  kind: ProcedureKind
  description: string | null
  /** The input as JSON Schema (what a caller may send); null when the procedure takes no input. */
  input: JsonSchema | null
  /** True when the input may be left out altogether. */
  inputOptional: boolean
}

export const KIND_NOTES: Record<ProcedureKind, string> = {
  public: 'anyone may call it; a credential that is sent but refused still answers 401',
  authed: 'needs a signed-in person or a personal access token; 401 otherwise',
  tenant:
    "authed, and runs inside the caller's clinic (row-level security); another clinic's or person's id answers 404",
  admin: 'tenant, and the caller must be an admin of their clinic; 403 otherwise',
}

interface RawProcedure {
  _def: { type: ProcedureReference['type']; inputs: unknown[]; meta?: Partial<ProcedureMeta> }
}

/** Every procedure of the router, in the order the routers declare them. */
export function listProcedureReferences(descriptions: Map<string, string> = new Map()): ProcedureReference[] {
  // The typed record nests routers; at runtime `procedures` is flat, keyed by dotted path.
  const procedures = appRouter._def.procedures as unknown as Record<string, RawProcedure>
  return Object.entries(procedures).map(([procedurePath, procedure]) => {
    const kind = procedure._def.meta?.kind
    if (!kind || !(kind in KIND_NOTES)) {
      throw new Error(`${procedurePath}: not built on a procedure kind from server/trpc/init.ts`)
    }
    const inputs = procedure._def.inputs as z.ZodType[]
    return {
      path: procedurePath,
      type: procedure._def.type,
      kind,
      description: descriptions.get(procedurePath) ?? null,
      input: inputs.length === 0 ? null : inputSchema(inputs),
      inputOptional: inputs.every((input) => input.safeParse(undefined).success),
    }
  })
}

function inputSchema(inputs: z.ZodType[]): JsonSchema {
  const schemas = inputs.map((input) => {
    // What a caller may send (io: input): defaulted fields are optional. Refinements
    // (cursor checks) have no JSON Schema form and are left out; the server still applies them.
    const { $schema: _dialect, ...schema } = z.toJSONSchema(input, { io: 'input', unrepresentable: 'any' })
    return schema as JsonSchema
  })
  return schemas.length === 1 ? schemas[0]! : { allOf: schemas }
}

/**
 * Doc comments of the routers' procedure properties, by dotted path: the routers
 * under server/trpc are read as TypeScript and followed from `appRouter` down.
 */
export async function readDescriptions(): Promise<Map<string, string>> {
  const files = [
    path.join(trpcDir, 'root.ts'),
    ...(await readdir(path.join(trpcDir, 'routers')))
      .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
      .sort()
      .map((name) => path.join(trpcDir, 'routers', name)),
  ]
  const routers = new Map<string, ts.ObjectLiteralExpression>()
  for (const file of files) {
    const source = ts.createSourceFile(file, await readFile(file, 'utf8'), ts.ScriptTarget.Latest, true)
    for (const statement of source.statements) {
      if (!ts.isVariableStatement(statement)) continue
      for (const declaration of statement.declarationList.declarations) {
        const literal = declaration.initializer && routerLiteral(declaration.initializer)
        if (literal && ts.isIdentifier(declaration.name)) routers.set(declaration.name.text, literal)
      }
    }
  }
  const descriptions = new Map<string, string>()
  const visit = (literal: ts.ObjectLiteralExpression, prefix: string, seen: Set<ts.Node>) => {
    if (seen.has(literal)) return
    seen.add(literal)
    for (const property of literal.properties) {
      if (!ts.isPropertyAssignment(property) && !ts.isShorthandPropertyAssignment(property)) continue
      const key = propertyName(property.name)
      if (key === null) continue
      const value = ts.isPropertyAssignment(property) ? property.initializer : property.name
      const nested = routerLiteral(value) ?? (ts.isIdentifier(value) ? routers.get(value.text) : undefined)
      if (nested) {
        visit(nested, `${prefix}${key}.`, seen)
        continue
      }
      const text = docComment(property)
      if (text) descriptions.set(`${prefix}${key}`, text)
    }
  }
  const app = routers.get('appRouter')
  if (!app) throw new Error('server/trpc/root.ts: no `appRouter = router({ … })` found')
  visit(app, '', new Set())
  return descriptions
}

/** The object literal of `router({ … })`, or undefined. */
function routerLiteral(node: ts.Expression): ts.ObjectLiteralExpression | undefined {
  if (!ts.isCallExpression(node) || !ts.isIdentifier(node.expression) || node.expression.text !== 'router') {
    return undefined
  }
  const [argument] = node.arguments
  return argument && ts.isObjectLiteralExpression(argument) ? argument : undefined
}

function propertyName(name: ts.PropertyName): string | null {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name)) return name.text
  return null
}

/** The property's doc comment as Markdown paragraphs (lines joined, blank lines kept). */
function docComment(node: ts.Node): string | null {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc)
  const comment = docs.at(-1)?.comment
  const text = comment === undefined ? '' : ts.getTextOfJSDocComment(comment)
  if (!text) return null
  return text
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join('\n\n')
}

/** GitHub's heading anchor for a heading that is only a code span. */
function anchor(procedurePath: string): string {
  return procedurePath.toLowerCase().replace(/[^a-z0-9 _-]/g, '')
}

function firstSentence(text: string): string {
  const [paragraph = ''] = text.split('\n\n')
  const end = paragraph.search(/[.!?](\s|$)/)
  return end === -1 ? paragraph : paragraph.slice(0, end + 1)
}

/** The streaming resource routes beside the procedures (their wire contracts are typed in the files named). */
const STREAMS = [
  '## Streams',
  '',
  'Two resource routes answer `text/event-stream` instead of JSON, with the same credentials (session cookie',
  'or `Authorization: Bearer …`). Refusals before any model call are JSON `{"error":{"code","message"}}`',
  '(400 bad input with a `reason`, 401, 404 not yours, 409, 429 with `Retry-After`).',
  '',
  '- `POST /api/chat/:conversationId` with `{"content": "…"}` or `{"regenerate": true}`: `start`, `delta`s, then',
  '  one `done` or `error` (server/chat/events.ts; `streamChat` in the script client).',
  '- `POST /api/notes/:noteId/draft` with `{}` (every section not written yet, in order) or `{"sectionId": "…"}`',
  '  (that section again): per section `section_start`, `delta`s (with `sectionId`), then `section_done`',
  '  (finish reason, usage) or `section_error` (a code), and one `done` at the end (server/notes/events.ts).',
  '  409 codes: `note_signed`, `busy`, `budget_exhausted`, `nothing_to_draft`. Closing the connection stops',
  '  the section being written (kept `stopped`); the ones after it stay unwritten. Create the note with',
  '  `notes.create` first. Exports: `GET /app/notes/:noteId/export/pdf`, `…/docx`, `…/md`.',
]

const cell = (text: string) => text.replaceAll('|', '\\|')

export function renderReference(procedures: ProcedureReference[]): string {
  const lines: string[] = [
    '# ClinAI API reference',
    '',
    `<!-- Generated from the router by \`${REGENERATE_COMMAND}\` (server/trpc/reference.ts). Do not edit by hand. -->`,
    '',
    'Every procedure of the typed API at `/api/trpc`. Scripts call it with a personal access token',
    '(`Authorization: Bearer clinai_pat_…`), best through `createClinaiClient` from',
    '`server/client/index.ts`, which types every input and output; see "Scripts and the typed API" in the',
    'README. The wire format is plain JSON without a transformer: a query is',
    '`GET /api/trpc/<path>?input=<url-encoded JSON>`, a mutation `POST /api/trpc/<path>` with the JSON',
    'input as body; answers are `{"result":{"data":…}}` or `{"error":{"message":…,"data":{"code":…,"httpStatus":…}}}`,',
    "and times are ISO-8601 strings. An error's `message` is a code of `server/contract/codes.ts`, never a",
    'sentence; bad input adds `data.fieldErrors`, validation codes by field path (`{"name":["required"]}`).',
    'Input schemas are JSON Schema (draft 2020-12) of what a caller may send: fields with a default may be',
    'left out.',
    '',
    '## Procedure kinds',
    '',
    'Each procedure is built on one kind (server/trpc/init.ts), which says who may call it:',
    '',
    ...(Object.entries(KIND_NOTES) as Array<[ProcedureKind, string]>).map(
      ([kind, note]) => `- **${kind}**: ${note}.`,
    ),
    '',
    '## Contents',
    '',
    '| procedure | type | kind | summary |',
    '| --- | --- | --- | --- |',
    ...procedures.map(
      (procedure) =>
        `| [\`${procedure.path}\`](#${anchor(procedure.path)}) | ${procedure.type} | ${procedure.kind} | ${cell(
          procedure.description ? firstSentence(procedure.description) : '',
        )} |`,
    ),
    '',
    ...STREAMS,
    '',
    '## Procedures',
  ]
  for (const procedure of procedures) {
    const call = procedure.type === 'mutation' ? 'mutate' : procedure.type
    const argument = procedure.input === null ? '' : procedure.inputOptional ? 'input?' : 'input'
    lines.push(
      '',
      `### \`${procedure.path}\``,
      '',
      `**${procedure.type}** · kind [**${procedure.kind}**](#procedure-kinds)`,
      '',
    )
    if (procedure.description) lines.push(procedure.description, '')
    lines.push(
      procedure.type === 'mutation'
        ? `HTTP: \`POST /api/trpc/${procedure.path}\` · client: \`client.${procedure.path}.${call}(${argument})\``
        : `HTTP: \`GET /api/trpc/${procedure.path}\` · client: \`client.${procedure.path}.${call}(${argument})\``,
      '',
    )
    if (procedure.input === null) {
      lines.push('No input.')
    } else {
      lines.push(
        procedure.inputOptional ? 'Input (may be left out):' : 'Input:',
        '',
        '```json',
        JSON.stringify(procedure.input, null, 2),
        '```',
      )
    }
  }
  lines.push('')
  return lines.join('\n')
}

/** The reference as it should be committed: rendered and formatted with the project's Prettier settings. */
export async function generateReference(): Promise<string> {
  const markdown = renderReference(listProcedureReferences(await readDescriptions()))
  const options = (await prettier.resolveConfig(REFERENCE_FILE)) ?? {}
  return prettier.format(markdown, { ...options, filepath: REFERENCE_FILE })
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const generated = await generateReference()
  const relative = path.relative(process.cwd(), REFERENCE_FILE)
  if (process.argv.includes('--check')) {
    const committed = await readFile(REFERENCE_FILE, 'utf8').catch(() => null)
    if (committed !== generated) {
      console.error(`${relative} is out of date; run \`${REGENERATE_COMMAND}\`.`)
      process.exit(1)
    }
    console.error(`${relative} is up to date.`)
  } else {
    await mkdir(path.dirname(REFERENCE_FILE), { recursive: true })
    await writeFile(REFERENCE_FILE, generated)
    console.error(`wrote ${relative}`)
  }
}
