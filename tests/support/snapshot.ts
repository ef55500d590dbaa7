// A checksum of every table's rows, read through the owner connection, to prove
// that a refused or hostile call changed nothing. Tables are enumerated from
// pg_catalog, so a table added later is included without editing this file.
import type postgres from 'postgres'

export interface TableInfo {
  name: string
  /** The column naming the person a row belongs to (or who acted), if any. */
  ownerColumn: string | null
}

export async function listTables(sql: postgres.Sql): Promise<TableInfo[]> {
  const rows = await sql<{ relname: string; owner_column: string | null }[]>`
    select c.relname,
           (select a.attname from pg_attribute a
             where a.attrelid = c.oid and not a.attisdropped
               and a.attname in ('owner_user_id', 'user_id', 'actor_user_id')
             order by array_position(array['owner_user_id', 'user_id', 'actor_user_id'], a.attname::text)
             limit 1) as owner_column
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind in ('r', 'p')
     order by c.relname`
  return rows.map((row) => ({ name: row.relname, ownerColumn: row.owner_column }))
}

/**
 * Row count and md5 of all rows per table. `where` may narrow a table to the
 * rows that must not change (SQL built from trusted fixture values only).
 */
export async function snapshotTables(
  sql: postgres.Sql,
  where: (table: TableInfo) => string | null = () => null,
): Promise<Record<string, string>> {
  const snapshot: Record<string, string> = {}
  for (const table of await listTables(sql)) {
    const condition = where(table) ?? 'true'
    const [row] = await sql.unsafe(
      `select count(*)::int as n, md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) as h
         from "${table.name}" t where ${condition}`,
    )
    snapshot[table.name] = `${row!.n} rows, ${row!.h}`
  }
  return snapshot
}
