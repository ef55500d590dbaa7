// Applies the committed migrations and installs the job queue as the owner role. `npm run db:migrate`.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { migrate } from 'drizzle-orm/postgres-js/migrator'
import { connectOwner } from './client.ts'
import { installJobQueues } from './jobs.ts'

export const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations')

export async function runMigrations(ownerUrl: string): Promise<void> {
  const owner = connectOwner(ownerUrl)
  try {
    await migrate(owner.db, { migrationsFolder })
  } finally {
    await owner.close()
  }
  // The job queue's own schema (pg-boss), owned by the owner role like every table.
  await installJobQueues(ownerUrl)
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // db/ knows no server configuration: the owner role's URL is all it needs.
  // (`npm run dev` migrates the local database itself.)
  const ownerUrl = process.env.DATABASE_OWNER_URL
  if (!ownerUrl) {
    console.error('DATABASE_OWNER_URL is required to run migrations')
    process.exit(1)
  }
  await runMigrations(ownerUrl)
  console.log('migrations applied')
}
