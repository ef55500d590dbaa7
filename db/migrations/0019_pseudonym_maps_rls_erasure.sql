-- Hand-written: row-level security forced and grants for the pseudonym mappings (migration
-- pseudonym_maps), and the erasure of a person (clinai_erase_person, first in migration 0012)
-- extended to them. The function is replaced whole; only the pseudonym_maps lines are new.
ALTER TABLE "pseudonym_maps" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "pseudonym_maps" TO clinai_app;--> statement-breakpoint

CREATE OR REPLACE FUNCTION clinai_erase_person(receipt uuid)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
  clinic uuid := nullif(current_setting('app.tenant_id', true), '')::uuid;
  subject uuid;
  recorded jsonb;
  counts jsonb := '{}'::jsonb;
  n bigint;
BEGIN
  IF clinic IS NULL OR current_setting('app.role', true) IS DISTINCT FROM 'system'
     OR nullif(current_setting('app.user_id', true), '') IS NOT NULL THEN
    RAISE EXCEPTION 'clinai_erase_person runs only in a system context of one clinic'
      USING ERRCODE = '42501';
  END IF;
  SELECT r.subject_user_id, r.table_counts INTO subject, recorded
    FROM public.erasure_receipts r
   WHERE r.tenant_id = clinic AND r.id = receipt AND r.status = 'running'
     FOR UPDATE;
  IF subject IS NULL THEN
    RAISE EXCEPTION 'no running erasure with that id in this clinic' USING ERRCODE = '42501';
  END IF;

  -- Pseudonym mappings (the patient details behind a conversation's or note's placeholders) go
  -- first and always, also for signed notes: a kept note keeps its text, not the mapping.
  DELETE FROM public.pseudonym_maps WHERE tenant_id = clinic AND owner_user_id = subject;
  GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('pseudonym_maps', n);
  DELETE FROM public.messages WHERE tenant_id = clinic AND owner_user_id = subject;
  GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('messages', n);
  DELETE FROM public.conversations WHERE tenant_id = clinic AND owner_user_id = subject;
  GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('conversations', n);
  DELETE FROM public.folders WHERE tenant_id = clinic AND owner_user_id = subject;
  GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('folders', n);
  DELETE FROM public.data_exports WHERE tenant_id = clinic AND owner_user_id = subject;
  GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('data_exports', n);
  DELETE FROM public.sessions WHERE tenant_id = clinic AND user_id = subject;
  GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('sessions', n);
  DELETE FROM public.api_tokens WHERE tenant_id = clinic AND user_id = subject;
  GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('api_tokens', n);
  DELETE FROM public.usage WHERE tenant_id = clinic AND user_id = subject;
  GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('usage', n);
  -- Consultation notes (migration 0016): drafts go with their sections and versions; a signed
  -- note is a patient record (section 630f BGB), so it is kept, restricted (hidden from everyone),
  -- until its retention date. Templates the person wrote stay the clinic's, without their name.
  DELETE FROM public.notes WHERE tenant_id = clinic AND owner_user_id = subject AND signed_at IS NULL;
  GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('notes', n);
  UPDATE public.notes SET restricted_at = now()
   WHERE tenant_id = clinic AND owner_user_id = subject AND signed_at IS NOT NULL AND restricted_at IS NULL;
  GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('notes_restricted', n);
  UPDATE public.note_templates SET actor_user_id = NULL WHERE tenant_id = clinic AND actor_user_id = subject;
  GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('note_templates', n);
  -- Invitations this person sent stay (they are someone else's way in), no longer naming who sent them.
  UPDATE public.invitations SET actor_user_id = NULL WHERE tenant_id = clinic AND actor_user_id = subject;
  GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('invitations', n);
  -- The id stays, so audit events keep pointing at someone; who it was does not.
  UPDATE public.users
     SET name = 'Erased person',
         email = 'erased-' || subject::text || '@erased.invalid',
         oidc_issuer = NULL, oidc_subject = NULL, last_sign_in_at = NULL,
         status = 'disabled', updated_at = now()
   WHERE tenant_id = clinic AND id = subject;
  GET DIAGNOSTICS n = ROW_COUNT; counts := counts || jsonb_build_object('users_pseudonymised', n);

  IF recorded IS NULL THEN
    UPDATE public.erasure_receipts SET table_counts = counts, updated_at = now()
     WHERE tenant_id = clinic AND id = receipt;
    RETURN counts;
  END IF;
  RETURN recorded;
END
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION clinai_erase_person(uuid) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION clinai_erase_person(uuid) TO clinai_app;
