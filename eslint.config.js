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
)
