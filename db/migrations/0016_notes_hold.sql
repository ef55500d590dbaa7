-- Hand-written: row-level security forced and grants for the notes tables, the legal hold
-- on signed notes as triggers, and the stale-stream sweep extended to note sections.
ALTER TABLE "notes" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "note_sections" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "note_versions" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "note_templates" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "notes", "note_sections", "note_versions", "note_templates" TO clinai_app;--> statement-breakpoint

-- Legal hold (section 630f BGB). A signed note is a patient record: for the app role it cannot be
-- deleted before its retain_until date, and its form, signature and sections cannot change, except
-- a section through an amendment whose version row (with its reason) was written first. Versions
-- are never rewritten. The owner role (migrations, the operator) is not held back.
CREATE FUNCTION clinai_notes_hold() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public
AS $$
BEGIN
  IF current_user <> 'clinai_app' OR OLD.signed_at IS NULL THEN
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  IF TG_OP = 'DELETE' THEN
    IF OLD.retain_until IS NOT NULL AND OLD.retain_until < current_date THEN RETURN OLD; END IF;
    RAISE EXCEPTION 'clinai_note_signed' USING ERRCODE = 'CN001';
  END IF;
  IF (NEW.tenant_id, NEW.id, NEW.owner_user_id, NEW.patient_ref, NEW.session_date, NEW.session_kind,
      NEW.duration_minutes, NEW.jottings, NEW.template_key, NEW.template_name, NEW.locale,
      NEW.signed_at, NEW.signed_by_user_id, NEW.signed_hash, NEW.retain_until)
     IS DISTINCT FROM
     (OLD.tenant_id, OLD.id, OLD.owner_user_id, OLD.patient_ref, OLD.session_date, OLD.session_kind,
      OLD.duration_minutes, OLD.jottings, OLD.template_key, OLD.template_name, OLD.locale,
      OLD.signed_at, OLD.signed_by_user_id, OLD.signed_hash, OLD.retain_until) THEN
    RAISE EXCEPTION 'clinai_note_signed' USING ERRCODE = 'CN001';
  END IF;
  RETURN NEW;
END
$$;--> statement-breakpoint
CREATE TRIGGER notes_hold BEFORE UPDATE OR DELETE ON "notes"
  FOR EACH ROW EXECUTE FUNCTION clinai_notes_hold();--> statement-breakpoint

CREATE FUNCTION clinai_note_sections_hold() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public
AS $$
DECLARE
  signed timestamptz;
BEGIN
  IF current_user <> 'clinai_app' THEN
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  SELECT n.signed_at INTO signed FROM public.notes n WHERE n.tenant_id = OLD.tenant_id AND n.id = OLD.note_id;
  IF signed IS NULL THEN
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'clinai_note_signed' USING ERRCODE = 'CN001';
  END IF;
  -- A section of a signed note changes only as an amendment recorded first.
  IF (NEW.content, NEW.key, NEW.title, NEW.position, NEW.note_id, NEW.status, NEW.version)
     IS DISTINCT FROM (OLD.content, OLD.key, OLD.title, OLD.position, OLD.note_id, OLD.status, OLD.version) THEN
    IF NEW.version > OLD.version AND NEW.status = OLD.status AND NEW.key = OLD.key
       AND NEW.title = OLD.title AND NEW.position = OLD.position AND NEW.note_id = OLD.note_id
       AND EXISTS (
         SELECT 1 FROM public.note_versions v
          WHERE v.tenant_id = NEW.tenant_id AND v.section_id = NEW.id
            AND v.version = NEW.version AND v.kind = 'amendment' AND v.content = NEW.content) THEN
      RETURN NEW;
    END IF;
    RAISE EXCEPTION 'clinai_note_signed' USING ERRCODE = 'CN001';
  END IF;
  RETURN NEW;
END
$$;--> statement-breakpoint
CREATE TRIGGER note_sections_hold BEFORE UPDATE OR DELETE ON "note_sections"
  FOR EACH ROW EXECUTE FUNCTION clinai_note_sections_hold();--> statement-breakpoint

-- Versions are the history: never rewritten, and kept with a signed note.
CREATE FUNCTION clinai_note_versions_hold() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public
AS $$
DECLARE
  signed timestamptz;
BEGIN
  IF current_user <> 'clinai_app' THEN
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    IF (NEW.content, NEW.kind, NEW.version, NEW.reason, NEW.content_hash, NEW.author_user_id, NEW.note_id, NEW.section_id)
       IS DISTINCT FROM (OLD.content, OLD.kind, OLD.version, OLD.reason, OLD.content_hash, OLD.author_user_id, OLD.note_id, OLD.section_id) THEN
      RAISE EXCEPTION 'clinai_note_version_immutable' USING ERRCODE = 'CN001';
    END IF;
    RETURN NEW;
  END IF;
  SELECT n.signed_at INTO signed FROM public.notes n WHERE n.tenant_id = OLD.tenant_id AND n.id = OLD.note_id;
  IF signed IS NOT NULL THEN
    RAISE EXCEPTION 'clinai_note_signed' USING ERRCODE = 'CN001';
  END IF;
  RETURN OLD;
END
$$;--> statement-breakpoint
CREATE TRIGGER note_versions_hold BEFORE UPDATE OR DELETE ON "note_versions"
  FOR EACH ROW EXECUTE FUNCTION clinai_note_versions_hold();--> statement-breakpoint

-- The sweep of migration 0004 also finds note sections left `streaming` by a crash.
CREATE OR REPLACE FUNCTION clinai_stale_stream_owners(min_age interval)
RETURNS TABLE (tenant_id uuid, owner_user_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
  SELECT m.tenant_id, m.owner_user_id
    FROM public.messages m
   WHERE m.status = 'streaming' AND m.updated_at <= now() - min_age
  UNION
  SELECT s.tenant_id, s.owner_user_id
    FROM public.note_sections s
   WHERE s.status = 'streaming' AND s.updated_at <= now() - min_age
$$;
