// Offboarding a clinic (GDPR Art. 28(3)(g)), for the operator CLI only: everything of one
// clinic as one archive, then all of it erased, tables and blobs, with a receipt. It runs
// on the owner connection (BYPASSRLS), which nothing that serves a request may use.
import { createWriteStream } from 'node:fs'
import { pipeline } from 'node:stream/promises'
import { asc, eq } from 'drizzle-orm'
import type postgres from 'postgres'
import type { OwnerDb, Tx } from '#db/client.ts'
import { JOBS_SCHEMA } from '#db/jobs.ts'
import { tenants, users } from '#db/schema/index.ts'
import { exportArchive } from '#server/services/exports/archive.ts'
import { clinicPrefix, deleteBlobs, listBlobNames, type BlobStorage } from '#server/storage/blob.ts'

export interface Clinic {
  id: string
  slug: string
  name: string
}

export async function findClinic(db: OwnerDb, slug: string): Promise<Clinic | null> {
  const [row] = await db
    .select({ id: tenants.id, slug: tenants.slug, name: tenants.name })
    .from(tenants)
    .where(eq(tenants.slug, slug))
  return row ?? null
}

/** Writes the clinic's archive (every person's folders, conversations and messages) to `file`. */
export async function exportClinic(db: OwnerDb, clinic: Clinic, file: string): Promise<{ people: number }> {
  const people = await db
    .select()
    .from(users)
    .where(eq(users.tenantId, clinic.id))
    .orderBy(asc(users.createdAt), asc(users.id))
  // The owner reads across people; each read still names the clinic and the person explicitly.
  const archive = await exportArchive({
    scope: 'clinic',
    clinic,
    people: people.map((p) => ({
      id: p.id,
      name: p.name,
      email: p.email,
      role: p.role,
      status: p.status,
      createdAt: p.createdAt.toISOString(),
    })),
    read: (_person, work) => db.transaction((tx) => work(tx as Tx)),
  })
  await pipeline(archive, createWriteStream(file, { flags: 'wx', mode: 0o600 }))
  return { people: people.length }
}

export interface ClinicErasureReceipt {
  kind: 'clinai-clinic-erasure-receipt'
  version: 1
  clinic: { id: string; slug: string }
  requestedBy: 'operator'
  erasedAt: string
  removed: { tables: Record<string, number>; blobs: Record<string, number>; jobs: number }
}

/**
 * Deletes every row of the clinic from every table with a tenant_id (found in the catalog,
 * children before parents), the clinic itself, its queued jobs and every blob under its prefix.
 */
export async function eraseClinic(
  client: postgres.Sql,
  storage: BlobStorage | undefined,
  clinic: Clinic,
): Promise<ClinicErasureReceipt> {
  const names = storage ? await listBlobNames(storage, clinicPrefix(clinic.id)) : []
  const tables: Record<string, number> = {}
  let jobs = 0
  await client.begin(async (tx) => {
    for (const table of await tablesChildrenFirst(tx)) {
      const result = await tx.unsafe(
        `delete from public."${table.replaceAll('"', '""')}" where tenant_id = $1`,
        [clinic.id],
      )
      tables[table] = result.count
    }
    tables.tenants = (await tx`delete from public.tenants where id = ${clinic.id}`).count
    jobs = (await tx.unsafe(`delete from ${JOBS_SCHEMA}.job where data->>'tenantId' = $1`, [clinic.id])).count
  })
  if (storage) await deleteBlobs(storage, names)
  return {
    kind: 'clinai-clinic-erasure-receipt',
    version: 1,
    clinic: { id: clinic.id, slug: clinic.slug },
    requestedBy: 'operator',
    erasedAt: new Date().toISOString(),
    removed: { tables, blobs: { [clinicPrefix(clinic.id)]: names.length }, jobs },
  }
}

/** Tables with a tenant_id, ordered so that a table comes before every table it references. */
async function tablesChildrenFirst(tx: postgres.TransactionSql): Promise<string[]> {
  const rows = await tx<Array<{ name: string; parents: string[] }>>`
    select c.relname as name,
           coalesce(array_agg(distinct p.relname) filter (where p.relname is not null and p.oid <> c.oid), '{}') as parents
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
      join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
      left join pg_constraint k on k.conrelid = c.oid and k.contype = 'f'
      left join pg_class p on p.oid = k.confrelid
     where c.relkind in ('r', 'p')
     group by c.relname`
  const order: string[] = []
  const remaining = new Map(rows.map((row) => [row.name, new Set(row.parents)]))
  // Repeatedly take the tables no remaining table references.
  while (remaining.size > 0) {
    const referenced = new Set([...remaining.values()].flatMap((parents) => [...parents]))
    const leaves = [...remaining.keys()].filter((name) => !referenced.has(name)).sort()
    if (leaves.length === 0) throw new Error('foreign keys between tenant tables form a cycle')
    for (const leaf of leaves) {
      order.push(leaf)
      remaining.delete(leaf)
    }
  }
  return order
}
