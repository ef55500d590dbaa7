// A fresh database per test file, cloned from the migrated template: fast, and
// no test sees another's rows.
import { randomBytes } from 'node:crypto'
import postgres from 'postgres'
import { inject } from 'vitest'

export interface TestDatabase {
  name: string
  ownerUrl: string
  appUrl: string
  superuserUrl: string
  drop(): Promise<void>
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const pg = inject('postgres')
  const name = `test_${randomBytes(6).toString('hex')}`
  const admin = postgres(pg.superuserUrl, { max: 1, onnotice: () => {} })
  try {
    await admin.unsafe(`create database "${name}" template "${pg.template}" owner clinai_owner`)
  } finally {
    await admin.end()
  }
  const url = (user: string, password: string) =>
    `postgres://${user}:${password}@localhost:${pg.port}/${name}`
  return {
    name,
    ownerUrl: url('clinai_owner', pg.ownerPassword),
    appUrl: url('clinai_app', pg.appPassword),
    superuserUrl: pg.superuserUrl,
    async drop() {
      const sql = postgres(pg.superuserUrl, { max: 1, onnotice: () => {} })
      try {
        await sql.unsafe(`drop database if exists "${name}" with (force)`)
      } finally {
        await sql.end()
      }
    },
  }
}
