-- Hand-written. After a crash, answers left `streaming` must end as `error`
-- (`interrupted`). The app role sees messages only inside one clinic and one
-- clinician's context, so this function, owned by the owner role, tells it which
-- (clinic, clinician) pairs have a stream untouched for at least `min_age`:
-- identifiers only, no content. The update itself then runs in withTenant under RLS.
CREATE FUNCTION clinai_stale_stream_owners(min_age interval)
RETURNS TABLE (tenant_id uuid, owner_user_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
  SELECT DISTINCT m.tenant_id, m.owner_user_id
    FROM public.messages m
   WHERE m.status = 'streaming' AND m.updated_at <= now() - min_age
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION clinai_stale_stream_owners(interval) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION clinai_stale_stream_owners(interval) TO clinai_app;
