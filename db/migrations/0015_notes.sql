CREATE TYPE "public"."note_section_status" AS ENUM('idle', 'streaming', 'complete', 'stopped', 'error');--> statement-breakpoint
CREATE TYPE "public"."note_version_kind" AS ENUM('generated', 'edit', 'signed', 'amendment');--> statement-breakpoint
CREATE TYPE "public"."session_kind" AS ENUM('first', 'follow_up', 'crisis', 'group');--> statement-breakpoint
CREATE TABLE "note_sections" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"note_id" uuid NOT NULL,
	"owner_user_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"key" text NOT NULL,
	"title" text NOT NULL,
	"instruction" text NOT NULL,
	"content" text DEFAULT '' NOT NULL,
	"status" "note_section_status" DEFAULT 'idle' NOT NULL,
	"error_code" text,
	"version" integer DEFAULT 0 NOT NULL,
	"model" text,
	"prompt_tokens" integer,
	"completion_tokens" integer,
	"usage_estimated" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "note_sections_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "note_sections" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "note_templates" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"sections" jsonb NOT NULL,
	"actor_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "note_templates_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "note_templates" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "note_versions" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"note_id" uuid NOT NULL,
	"section_id" uuid,
	"owner_user_id" uuid NOT NULL,
	"author_user_id" uuid NOT NULL,
	"kind" "note_version_kind" NOT NULL,
	"version" integer NOT NULL,
	"content" text NOT NULL,
	"reason" text,
	"content_hash" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "note_versions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "note_versions_amendment_reason" CHECK ("note_versions"."kind" <> 'amendment' or "note_versions"."reason" is not null)
);
--> statement-breakpoint
ALTER TABLE "note_versions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "notes" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"owner_user_id" uuid NOT NULL,
	"patient_ref" text NOT NULL,
	"session_date" date NOT NULL,
	"session_kind" "session_kind" NOT NULL,
	"duration_minutes" integer NOT NULL,
	"jottings" text NOT NULL,
	"template_key" text NOT NULL,
	"template_name" text NOT NULL,
	"locale" "locale" NOT NULL,
	"signed_at" timestamp with time zone,
	"signed_by_user_id" uuid,
	"signed_hash" text,
	"amended_at" timestamp with time zone,
	"retain_until" date,
	"restricted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notes_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "notes_duration_range" CHECK ("notes"."duration_minutes" between 1 and 600),
	CONSTRAINT "notes_signed_whole" CHECK (("notes"."signed_at" is null) = ("notes"."signed_hash" is null) and ("notes"."signed_at" is null) = ("notes"."signed_by_user_id" is null))
);
--> statement-breakpoint
ALTER TABLE "notes" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "note_retention_years" integer DEFAULT 10 NOT NULL;--> statement-breakpoint
ALTER TABLE "note_sections" ADD CONSTRAINT "note_sections_note_fk" FOREIGN KEY ("tenant_id","note_id") REFERENCES "public"."notes"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "note_sections" ADD CONSTRAINT "note_sections_owner_fk" FOREIGN KEY ("tenant_id","owner_user_id") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "note_templates" ADD CONSTRAINT "note_templates_actor_fk" FOREIGN KEY ("tenant_id","actor_user_id") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "note_versions" ADD CONSTRAINT "note_versions_note_fk" FOREIGN KEY ("tenant_id","note_id") REFERENCES "public"."notes"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "note_versions" ADD CONSTRAINT "note_versions_section_fk" FOREIGN KEY ("tenant_id","section_id") REFERENCES "public"."note_sections"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "note_versions" ADD CONSTRAINT "note_versions_owner_fk" FOREIGN KEY ("tenant_id","owner_user_id") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notes" ADD CONSTRAINT "notes_owner_fk" FOREIGN KEY ("tenant_id","owner_user_id") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "note_sections_note_key" ON "note_sections" USING btree ("tenant_id","note_id","key");--> statement-breakpoint
CREATE INDEX "note_sections_tenant_streaming_idx" ON "note_sections" USING btree ("tenant_id","status") WHERE "note_sections"."status" = 'streaming';--> statement-breakpoint
CREATE INDEX "note_templates_tenant_name_idx" ON "note_templates" USING btree ("tenant_id","name");--> statement-breakpoint
CREATE INDEX "note_versions_note_idx" ON "note_versions" USING btree ("tenant_id","note_id","created_at");--> statement-breakpoint
CREATE INDEX "note_versions_section_idx" ON "note_versions" USING btree ("tenant_id","section_id");--> statement-breakpoint
CREATE INDEX "notes_tenant_owner_recent_idx" ON "notes" USING btree ("tenant_id","owner_user_id","updated_at" DESC NULLS LAST,"id");--> statement-breakpoint
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_note_retention_range" CHECK ("tenants"."note_retention_years" between 10 and 100);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "note_sections" AS PERMISSIVE FOR ALL TO "clinai_app" USING ("note_sections"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid)) WITH CHECK ("note_sections"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "owner_only" ON "note_sections" AS RESTRICTIVE FOR ALL TO "clinai_app" USING ("note_sections"."owner_user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid)) WITH CHECK ("note_sections"."owner_user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "note_templates" AS PERMISSIVE FOR ALL TO "clinai_app" USING ("note_templates"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid)) WITH CHECK ("note_templates"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "note_versions" AS PERMISSIVE FOR ALL TO "clinai_app" USING ("note_versions"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid)) WITH CHECK ("note_versions"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "owner_only" ON "note_versions" AS RESTRICTIVE FOR ALL TO "clinai_app" USING ("note_versions"."owner_user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid)) WITH CHECK ("note_versions"."owner_user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "notes" AS PERMISSIVE FOR ALL TO "clinai_app" USING ("notes"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid)) WITH CHECK ("notes"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "owner_only" ON "notes" AS RESTRICTIVE FOR ALL TO "clinai_app" USING ("notes"."owner_user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid)) WITH CHECK ("notes"."owner_user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid));