import { defineConfig } from 'drizzle-kit'

// Generation needs no database; migrations are applied by db/migrate.ts as the owner role.
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema/index.ts',
  out: './db/migrations',
  strict: true,
  verbose: true,
})
