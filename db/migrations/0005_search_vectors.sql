DROP INDEX "conversations_title_search_idx";--> statement-breakpoint
DROP INDEX "messages_content_search_idx";--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "search_vector" "tsvector" GENERATED ALWAYS AS (to_tsvector('german'::regconfig, title) || to_tsvector('english'::regconfig, title)) STORED NOT NULL;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "search_vector" "tsvector" GENERATED ALWAYS AS (to_tsvector('german'::regconfig, content) || to_tsvector('english'::regconfig, content)) STORED NOT NULL;--> statement-breakpoint
CREATE INDEX "conversations_search_idx" ON "conversations" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "messages_search_idx" ON "messages" USING gin ("search_vector");