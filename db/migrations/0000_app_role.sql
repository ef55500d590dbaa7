-- Hand-written: the role the application server connects as. drizzle-kit does
-- not manage roles (the schema marks it .existing()), so it is created here,
-- before the policies that name it. It can log in only once an operator (or the
-- local launcher) gives it a password: migrations carry no secrets.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'clinai_app') THEN
    CREATE ROLE clinai_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
  END IF;
END
$$;--> statement-breakpoint
-- Refuse to go on if the role pre-existed with more power than it may have.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'clinai_app' AND (rolsuper OR rolbypassrls)) THEN
    RAISE EXCEPTION 'role clinai_app must be NOSUPERUSER NOBYPASSRLS';
  END IF;
END
$$;
