// One linter config. Its house rules: route modules under app/ reach server
// code only through app/**/*.server.ts bridges, and the script client under
// server/client imports nothing of the server but types.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {
    ignores: [
      'build/**',
      'public/build/**',
      '.data/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      '.cache/**',
      'tests/artifacts/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        URL: 'readonly',
        Response: 'readonly',
        Request: 'readonly',
        Headers: 'readonly',
        fetch: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        document: 'readonly',
        window: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
    },
  },
  {
    // Type-aware: a promise nobody awaits (a timer's callback, an event handler) loses its
    // error silently; these two rules need the types to see it.
    files: ['**/*.{ts,tsx}'],
    ignores: ['infra/azure/**'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    // Remix hands routes a copy of the request whose signal undici links to the
    // connection only weakly (nodejs/undici#3644): after a garbage collection it never
    // fires. Code that must stop when the client goes away uses the load context's
    // `clientGone` (server/http/remix-handler.ts).
    files: ['app/**/*.{ts,tsx}', 'server/chat/**/*.ts', 'server/notes/**/*.ts', 'server/http/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='request'][property.name='signal']",
          message:
            "Use the load context's clientGone: a route's request.signal stops firing after a garbage collection.",
        },
      ],
    },
  },
  {
    files: ['app/**/*.{ts,tsx}'],
    ignores: ['app/**/*.server.ts', 'app/**/*.server.tsx'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // A regex: in gitignore-style groups a leading # would start a comment. The script
              // client (server/client) imports nothing of the server at run time, and the contract's
              // codes (server/contract) are plain data, so pages may share both.
              regex: '^(#(server/(?!client/|contract/)|db/|infra/)|(\\.\\./)+(server|db|infra)/)',
              allowTypeImports: true,
              message: 'Route modules reach server code only through an app/**/*.server.ts bridge.',
            },
          ],
        },
      ],
    },
  },
  {
    // The script client carries no server code: the router's type only.
    files: ['server/client/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(#(?!server/client/)|\\.\\.(/|$))',
              allowTypeImports: true,
              message:
                'The script client imports only types from the rest of the project (#server/client/* aside).',
            },
          ],
        },
      ],
    },
  },
  {
    // db/ knows tables, roles, policies and withTenant: nothing of the server or the stand-ins.
    files: ['db/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(#(server|infra|app)/|(\\.\\./)+(server|infra|app)/)',
              message: 'db/ imports nothing from server/, infra/ or app/.',
            },
          ],
        },
      ],
    },
  },
  {
    // What runs in production never reaches for the local stand-ins.
    // (The script client and the services have stricter rules of their own below and above;
    // one rule's options replace another's, so they are not matched here.)
    files: ['server/**/*.ts'],
    ignores: ['server/**/*.test.ts', 'server/client/**', 'server/services/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(#infra/|(\\.\\./)+infra/)',
              message: 'server/ never imports infra/ (the stand-ins hand the app ordinary settings instead).',
            },
          ],
        },
      ],
    },
  },
  {
    // AppContext are plain functions over a transaction: no transport, no tRPC, no HTTP.
    files: ['server/services/**/*.ts'],
    ignores: ['server/services/**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex:
                '^(@trpc/|express$|@remix-run/|#server/(trpc|chat|http)/|#infra/|(\\.\\./)+(trpc|chat|http)/)',
              message: 'server/services/ never imports tRPC, the chat transport, HTTP or infra/.',
            },
          ],
        },
      ],
    },
  },
)
