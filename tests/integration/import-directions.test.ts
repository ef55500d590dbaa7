// The import directions hold because the linter refuses what breaks them: a file
// that breaks each rule, linted as if it lived where the rule applies, is refused,
// and the same import from a place where it is allowed passes.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
// The import rules need no types; without the type-aware ones this runs in seconds.
const eslint = new ESLint({
  cwd: root,
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false, project: null } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/no-misused-promises': 'off',
    },
  },
})

async function problems(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: path.join(root, file) })
  return result!.messages
    .filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports')
    .map((m) => m.message)
}

const cases: Array<{ rule: string; file: string; source: string; allowedIn: string }> = [
  {
    rule: 'db/ imports nothing from server/',
    file: 'db/example.ts',
    source: "import { loadConfig } from '#server/config/env.ts'\nexport const x = loadConfig",
    allowedIn: 'infra/local/example.ts',
  },
  {
    rule: 'db/ imports nothing from infra/',
    file: 'db/schema/example.ts',
    source: "import { demoClinics } from '#infra/local/demo-accounts.ts'\nexport const x = demoClinics",
    allowedIn: 'tests/support/example.ts',
  },
  {
    rule: 'server/ never imports infra/',
    file: 'server/auth/example.ts',
    source: "import { demoClinics } from '#infra/local/demo-accounts.ts'\nexport const x = demoClinics",
    allowedIn: 'infra/local/example.ts',
  },
  {
    rule: 'services never import tRPC',
    file: 'server/services/folders/example.ts',
    source: "import { TRPCError } from '@trpc/server'\nexport const x = TRPCError",
    allowedIn: 'server/trpc/routers/example.ts',
  },
  {
    rule: 'services never import the chat transport',
    file: 'server/services/chat/example.ts',
    source:
      "import { handleChatRequest } from '#server/chat/handle-chat.ts'\nexport const x = handleChatRequest",
    allowedIn: 'app/utils/example.server.ts',
  },
  {
    rule: 'services never import HTTP',
    file: 'server/services/usage/example.ts',
    source: "import express from 'express'\nexport const x = express",
    allowedIn: 'server/http/example.ts',
  },
  {
    rule: 'services never import the HTTP layer of the server',
    file: 'server/services/search/example.ts',
    source: "import { BODY_LIMITS } from '#server/http/request-body.ts'\nexport const x = BODY_LIMITS",
    allowedIn: 'server/chat/example.ts',
  },
]

describe('import directions', () => {
  it.each(cases)('$rule: refused in $file, allowed in $allowedIn', async ({ file, source, allowedIn }) => {
    expect(await problems(file, source)).toHaveLength(1)
    expect(await problems(allowedIn, source)).toEqual([])
  })

  it('the repository itself breaks none of them', async () => {
    const results = await eslint.lintFiles(['db/**/*.ts', 'server/**/*.ts'])
    const broken = results.flatMap((result) =>
      result.messages
        .filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports')
        .map((m) => `${path.relative(root, result.filePath)}: ${m.message}`),
    )
    expect(broken).toEqual([])
  })
})

describe('route code never waits on request.signal', () => {
  const source =
    'export function loader({ request }: { request: Request }) {\n  return request.signal.aborted\n}\n'
  const refused = async (file: string) => {
    const [result] = await eslint.lintText(source, { filePath: path.join(root, file) })
    return result!.messages.filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message)
  }

  it.each(['app/routes/example.tsx', 'app/utils/example.server.ts', 'server/chat/example.ts'])(
    'refused in %s',
    async (file) => {
      expect(await refused(file)).toEqual([expect.stringContaining('clientGone')])
    },
  )

  it("allowed where a request is not Remix's copy (a service, a job)", async () => {
    expect(await refused('server/services/generation/example.ts')).toEqual([])
  })
})
