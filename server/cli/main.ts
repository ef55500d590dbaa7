// The operator CLI: bootstraps a deployment and hands scripts their first token.
//   npm run cli -- tenant create --name <name> --slug <slug> --admin-email <email> [--admin-name <name>]
//   npm run cli -- tenant list
//   npm run cli -- token create --tenant <slug> --email <email> --name <label> [--expires-in-days <n>]
//   npm run cli -- tenant export --slug <slug> [--out <file.zip>]
//   npm run cli -- tenant erase --slug <slug> --confirm <slug> [--receipt-out <file.json>]
// It connects as the owner role (DATABASE_OWNER_URL), never as a request would.
import { parseArgs } from 'node:util'
import { and, asc, eq, sql } from 'drizzle-orm'
import { z } from 'zod'
import { connectOwner } from '#db/client.ts'
import { tenants, users } from '#db/schema/index.ts'
import { loadConfig, localDefaults, type StorageConfig } from '#server/config/env.ts'
import { eraseClinic, exportClinic, findClinic } from '#server/services/offboarding/offboarding.ts'
import { createBlobStorage } from '#server/storage/blob.ts'
import { recordAuditEvent } from '#server/services/audit/record.ts'
import { createApiToken } from '#server/services/tokens/api-tokens.ts'

const usage = `Usage:
  npm run cli -- tenant create --name <name> --slug <slug> --admin-email <email> [--admin-name <name>]
  npm run cli -- tenant list
  npm run cli -- token create --tenant <slug> --email <email> --name <label> [--expires-in-days <n>]
  npm run cli -- tenant export --slug <slug> [--out <file.zip>]
  npm run cli -- tenant erase --slug <slug> --confirm <slug> [--receipt-out <file.json>]`

const slugSchema = z
  .string()
  .regex(
    /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/,
    'slug: lowercase letters, digits and dashes, 1-63 characters',
  )
const emailSchema = z.email('email: not a valid address').max(320)

export class CliError extends Error {}

export interface CliOptions {
  /** Blob Storage, for the commands that touch a clinic's files (export, erase). */
  storage?: StorageConfig
}

export async function runCli(
  argv: string[],
  ownerUrl: string,
  out: (line: string) => void,
  options: CliOptions = {},
): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      slug: { type: 'string' },
      'admin-email': { type: 'string' },
      'admin-name': { type: 'string' },
      tenant: { type: 'string' },
      email: { type: 'string' },
      'expires-in-days': { type: 'string' },
      out: { type: 'string' },
      confirm: { type: 'string' },
      'receipt-out': { type: 'string' },
    },
  })
  const command = positionals.join(' ')
  const owner = connectOwner(ownerUrl)
  try {
    switch (command) {
      case 'tenant create': {
        const name = parse(z.string().trim().min(1, 'name: required').max(120), values.name ?? '')
        const slug = parse(slugSchema, values.slug)
        const adminEmail = parse(emailSchema, values['admin-email']?.toLowerCase())
        const adminName = values['admin-name']?.trim() || adminEmail
        const created = await owner.db.transaction(async (tx) => {
          const [clash] = await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, slug))
          if (clash) throw new CliError(`a clinic with slug "${slug}" already exists`)
          const [tenant] = await tx.insert(tenants).values({ name, slug }).returning({ id: tenants.id })
          // The admin is bound to their identity-provider account at first sign-in (by email).
          const [admin] = await tx
            .insert(users)
            .values({ tenantId: tenant!.id, email: adminEmail, name: adminName, role: 'admin' })
            .returning({ id: users.id })
          await recordAuditEvent(tx, {
            tenantId: tenant!.id,
            actorUserId: null,
            action: 'tenant.created',
            targetType: 'tenant',
            targetId: tenant!.id,
            details: { via: 'cli', adminUserId: admin!.id },
          })
          return { tenantId: tenant!.id, adminUserId: admin!.id }
        })
        out(`created clinic ${slug} (${created.tenantId}) with admin ${created.adminUserId}`)
        return
      }
      case 'tenant list': {
        const rows = await owner.db
          .select({
            id: tenants.id,
            slug: tenants.slug,
            name: tenants.name,
            // Spelled out: drizzle leaves columns unqualified in a select list, which made this
            // compare users.tenant_id with users.id ("0 users" for every clinic).
            users: sql<number>`(select count(*)::int from users u where u.tenant_id = "tenants"."id")`,
          })
          .from(tenants)
          .orderBy(asc(tenants.slug))
        if (rows.length === 0) out('no clinics yet')
        for (const row of rows)
          out(`${row.slug}\t${row.id}\t${row.users} ${row.users === 1 ? 'person' : 'people'}\t${row.name}`)
        return
      }
      case 'token create': {
        const slug = parse(slugSchema, values.tenant)
        const email = parse(emailSchema, values.email?.toLowerCase())
        const name = parse(z.string().trim().min(1, 'name: required').max(80), values.name ?? '')
        const days = values['expires-in-days']
          ? parse(z.coerce.number().int().min(1).max(365), values['expires-in-days'])
          : 90
        const token = await owner.db.transaction(async (tx) => {
          const [tenant] = await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, slug))
          if (!tenant) throw new CliError(`no clinic with slug "${slug}"`)
          const [user] = await tx
            .select({ id: users.id, status: users.status })
            .from(users)
            .where(and(eq(users.tenantId, tenant.id), sql`lower(${users.email}) = ${email}`))
          if (!user) throw new CliError(`no user with that email in clinic "${slug}"`)
          if (user.status !== 'active') throw new CliError('that user is disabled')
          return createApiToken(
            tx,
            { tenantId: tenant.id, userId: user.id },
            { name, expiresInDays: days },
            { actorUserId: null },
          )
        })
        out(token.token)
        out(`(shown once; expires ${token.expiresAt ?? 'never'}; id ${token.id})`)
        return
      }
      case 'tenant export': {
        const slug = parse(slugSchema, values.slug)
        const clinic = await findClinic(owner.db, slug)
        if (!clinic) throw new CliError(`no clinic with slug "${slug}"`)
        const file = values.out ?? `${slug}-export-${new Date().toISOString().slice(0, 10)}.zip`
        const { people } = await exportClinic(owner.db, clinic, file).catch((error: unknown) => {
          if ((error as { code?: string }).code === 'EEXIST') throw new CliError(`${file} exists already`)
          throw error
        })
        out(`exported clinic ${slug} (${people} people) to ${file}`)
        return
      }
      case 'tenant erase': {
        const slug = parse(slugSchema, values.slug)
        if (values.confirm !== slug)
          throw new CliError(`confirm: repeat the slug (--confirm ${slug}) to erase it`)
        const clinic = await findClinic(owner.db, slug)
        if (!clinic) throw new CliError(`no clinic with slug "${slug}"`)
        const storage = options.storage ? createBlobStorage(options.storage) : undefined
        const receipt = await eraseClinic(owner.client, storage, clinic)
        const text = `${JSON.stringify(receipt, null, 2)}\n`
        if (values['receipt-out']) {
          const { writeFile } = await import('node:fs/promises')
          await writeFile(values['receipt-out'], text, { flag: 'wx', mode: 0o600 })
        }
        out(text.trimEnd())
        return
      }
      default:
        throw new CliError(command ? `unknown command "${command}"\n${usage}` : usage)
    }
  } finally {
    await owner.close()
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value)
  if (!result.success) throw new CliError(result.error.issues.map((issue) => issue.message).join('; '))
  return result.data
}

/** The configured account, or in development the local Azurite that `npm run dev` starts. */
function localStorage(config: ReturnType<typeof loadConfig>): StorageConfig | undefined {
  const { storage } = config
  if (storage.connectionString || storage.accountUrl) return storage
  if (config.isProduction) return undefined
  const port = Number(process.env.CLINAI_AZURITE_PORT ?? localDefaults.azuritePort)
  return {
    ...storage,
    connectionString:
      'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;' +
      'AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;' +
      `BlobEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`,
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const config = loadConfig()
  if (!config.database.ownerUrl) {
    console.error('DATABASE_OWNER_URL is required for the operator CLI')
    process.exit(1)
  }
  try {
    await runCli(process.argv.slice(2), config.database.ownerUrl, (line) => console.log(line), {
      storage: localStorage(config),
    })
  } catch (error) {
    if (error instanceof CliError || (error instanceof Error && error.name === 'TypeError')) {
      console.error(error.message)
      process.exit(2)
    }
    throw error
  }
}
