-- Hand-written: the extensions the search indexes below use. Both are trusted extensions
-- (a database owner may create them) and allow-listed on Azure Database for PostgreSQL
-- Flexible Server (azure.extensions = BTREE_GIN,PG_TRGM).
CREATE EXTENSION IF NOT EXISTS btree_gin;--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
DROP INDEX "folders_tenant_owner_idx";--> statement-breakpoint
DROP INDEX "conversations_search_idx";--> statement-breakpoint
DROP INDEX "messages_search_idx";--> statement-breakpoint
DROP INDEX "messages_tenant_conversation_idx";--> statement-breakpoint
CREATE INDEX "folders_tenant_owner_name_idx" ON "folders" USING btree ("tenant_id","owner_user_id",lower("name"),"id");--> statement-breakpoint
CREATE INDEX "conversations_tenant_owner_folder_recent_idx" ON "conversations" USING btree ("tenant_id","owner_user_id","folder_id","last_message_at" DESC NULLS LAST,"id");--> statement-breakpoint
CREATE INDEX "conversations_owner_search_idx" ON "conversations" USING gin ("tenant_id","owner_user_id","search_vector");--> statement-breakpoint
CREATE INDEX "conversations_owner_title_trgm_idx" ON "conversations" USING gin ("tenant_id","owner_user_id","title" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "messages_owner_search_idx" ON "messages" USING gin ("tenant_id","owner_user_id","search_vector");--> statement-breakpoint
CREATE INDEX "messages_owner_content_trgm_idx" ON "messages" USING gin ("tenant_id","owner_user_id","content" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "messages_tenant_conversation_idx" ON "messages" USING btree ("tenant_id","conversation_id","created_at","role","id");