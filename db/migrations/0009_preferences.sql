CREATE TYPE "public"."locale" AS ENUM('de', 'en');--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "default_locale" "locale" DEFAULT 'de' NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "locale" "locale";