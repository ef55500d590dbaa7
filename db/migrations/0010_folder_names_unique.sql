-- Hand-written: a name that repeats among one person's folders (letter case aside) gets a
-- number, so the unique index below can be built on a database that already has such twins.
UPDATE "folders" f SET "name" = f."name" || ' (' || d.n || ')'
  FROM (SELECT "tenant_id", "id",
               row_number() OVER (PARTITION BY "tenant_id", "owner_user_id", lower("name") ORDER BY "created_at", "id") AS n
          FROM "folders") d
 WHERE d."tenant_id" = f."tenant_id" AND d."id" = f."id" AND d.n > 1;--> statement-breakpoint
DROP INDEX "folders_tenant_owner_name_idx";--> statement-breakpoint
CREATE UNIQUE INDEX "folders_tenant_owner_name_key" ON "folders" USING btree ("tenant_id","owner_user_id",lower("name"));