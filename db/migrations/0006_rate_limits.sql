CREATE SCHEMA "clinai_limits";
--> statement-breakpoint
CREATE TABLE "clinai_limits"."rate_limits" (
	"key" text PRIMARY KEY NOT NULL,
	"points" integer NOT NULL,
	"expire" timestamp with time zone
);
--> statement-breakpoint
-- Hand-written: the counters hold identifiers and counts only; the app role reads and writes them.
REVOKE ALL ON SCHEMA "clinai_limits" FROM PUBLIC;--> statement-breakpoint
GRANT USAGE ON SCHEMA "clinai_limits" TO clinai_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "clinai_limits"."rate_limits" TO clinai_app;
