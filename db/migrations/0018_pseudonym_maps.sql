CREATE TABLE "pseudonym_maps" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"owner_user_id" uuid NOT NULL,
	"conversation_id" uuid,
	"note_id" uuid,
	"sealed" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "pseudonym_maps_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "pseudonym_maps_one_scope" CHECK (("pseudonym_maps"."conversation_id" is null) <> ("pseudonym_maps"."note_id" is null))
);
--> statement-breakpoint
ALTER TABLE "pseudonym_maps" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "pseudonymise" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "never_send_terms" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "pseudonym_maps" ADD CONSTRAINT "pseudonym_maps_owner_fk" FOREIGN KEY ("tenant_id","owner_user_id") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pseudonym_maps" ADD CONSTRAINT "pseudonym_maps_conversation_fk" FOREIGN KEY ("tenant_id","conversation_id") REFERENCES "public"."conversations"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pseudonym_maps" ADD CONSTRAINT "pseudonym_maps_note_fk" FOREIGN KEY ("tenant_id","note_id") REFERENCES "public"."notes"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "pseudonym_maps_conversation_key" ON "pseudonym_maps" USING btree ("tenant_id","conversation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "pseudonym_maps_note_key" ON "pseudonym_maps" USING btree ("tenant_id","note_id");--> statement-breakpoint
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_never_send_terms_bounds" CHECK (cardinality("tenants"."never_send_terms") <= 200);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "pseudonym_maps" AS PERMISSIVE FOR ALL TO "clinai_app" USING ("pseudonym_maps"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid)) WITH CHECK ("pseudonym_maps"."tenant_id" = (select nullif(current_setting('app.tenant_id', true), '')::uuid));--> statement-breakpoint
CREATE POLICY "owner_only" ON "pseudonym_maps" AS RESTRICTIVE FOR ALL TO "clinai_app" USING ("pseudonym_maps"."owner_user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid)) WITH CHECK ("pseudonym_maps"."owner_user_id" = (select nullif(current_setting('app.user_id', true), '')::uuid));