-- Hand-written: what drizzle-kit cannot express.
-- FORCE makes the policies apply to the table owner too, so no connection but
-- a BYPASSRLS operator role ever reads across clinics. A test enumerates every
-- table with a tenant_id column from pg_catalog and fails if one is missing here.
ALTER TABLE "tenants" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "users" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "folders" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "conversations" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "messages" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "usage" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "api_tokens" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "sessions" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "audit_events" FORCE ROW LEVEL SECURITY;--> statement-breakpoint

-- The app role owns nothing and gets exactly what the product needs.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM clinai_app;--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO clinai_app;--> statement-breakpoint
-- Clinics are created by the operator CLI; the app reads and updates its own clinic's settings.
GRANT SELECT, UPDATE ON "tenants" TO clinai_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "users", "folders", "conversations", "messages", "usage", "api_tokens", "sessions" TO clinai_app;--> statement-breakpoint
-- The audit trail is append-only for the application.
GRANT SELECT, INSERT ON "audit_events" TO clinai_app;
