CREATE TABLE "budget_alerts" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"month" date NOT NULL,
	"threshold" smallint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "budget_alerts_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "budget_alerts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "invitations" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"role" "user_role" NOT NULL,
	"actor_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invitations_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "invitations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "user_monthly_token_cap" bigint;--> statement-breakpoint
ALTER TABLE "budget_alerts" ADD CONSTRAINT "budget_alerts_tenant_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_tenant_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "budget_alerts_tenant_month_threshold_key" ON "budget_alerts" USING btree ("tenant_id","month","threshold");--> statement-breakpoint
CREATE UNIQUE INDEX "invitations_tenant_email_key" ON "invitations" USING btree ("tenant_id",lower("email"));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "budget_alerts" AS PERMISSIVE FOR ALL TO "clinai_app" USING ("budget_alerts"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid)) WITH CHECK ("budget_alerts"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "invitations" AS PERMISSIVE FOR ALL TO "clinai_app" USING ("invitations"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid)) WITH CHECK ("invitations"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid));--> statement-breakpoint

-- Hand-written (as in 0002): what drizzle-kit cannot express.
ALTER TABLE "invitations" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "budget_alerts" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
-- An invitation is made, then accepted or withdrawn (deleted); it is never edited.
GRANT SELECT, INSERT, DELETE ON "invitations" TO clinai_app;--> statement-breakpoint
-- Budget alerts are append-only for the application, like the audit trail they feed.
GRANT SELECT, INSERT ON "budget_alerts" TO clinai_app;--> statement-breakpoint
ALTER TABLE "budget_alerts" ADD CONSTRAINT "budget_alerts_threshold_known" CHECK ("threshold" IN (80, 100));--> statement-breakpoint
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_user_cap_positive" CHECK ("user_monthly_token_cap" IS NULL OR "user_monthly_token_cap" > 0);
