-- Hand-written. A request's credential check as the first statement of the request's own
-- transaction: each function sets the clinic (from the cookie or the token) and the system
-- role, reads the session or token and its person under row-level security (SECURITY
-- INVOKER: the app role's rights, so the clinic boundary holds for the lookup itself),
-- refuses what is revoked, expired, idle or disabled, touches last_seen_at / last_used_at
-- at most every `touch_ms`, and only then sets the person and their role for the rest of
-- the transaction. One round trip instead of a transaction of its own before the work.
-- No SET clause on purpose: a function with one restores every setting changed inside it
-- on exit, and these settings must last until the transaction ends. A refused credential
-- returns no row, writes nothing and leaves no clinic set.
CREATE FUNCTION clinai_authenticate_session(clinic uuid, session_id text, at timestamptz, idle_ms bigint, touch_ms bigint)
RETURNS TABLE (person_id uuid, person_role public.user_role)
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
AS $$
DECLARE
  found_user uuid;
  found_role public.user_role;
  found_status public.user_status;
  seen timestamptz;
  expires timestamptz;
BEGIN
  PERFORM set_config('app.tenant_id', clinic::text, true),
          set_config('app.user_id', '', true),
          set_config('app.role', 'system', true);
  SELECT s.user_id, u.role, u.status, s.last_seen_at, s.expires_at
    INTO found_user, found_role, found_status, seen, expires
    FROM public.sessions s
    JOIN public.users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id
   WHERE s.tenant_id = clinic AND s.id = session_id AND s.revoked_at IS NULL;
  IF NOT FOUND OR found_status <> 'active' OR at >= expires
     OR at - seen > idle_ms * interval '1 millisecond' THEN
    PERFORM set_config('app.tenant_id', '', true), set_config('app.role', '', true);
    RETURN;
  END IF;
  IF at - seen > touch_ms * interval '1 millisecond' THEN
    UPDATE public.sessions s SET last_seen_at = at WHERE s.tenant_id = clinic AND s.id = session_id;
  END IF;
  PERFORM set_config('app.user_id', found_user::text, true),
          set_config('app.role', found_role::text, true);
  person_id := found_user;
  person_role := found_role;
  RETURN NEXT;
END
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION clinai_authenticate_session(uuid, text, timestamptz, bigint, bigint) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION clinai_authenticate_session(uuid, text, timestamptz, bigint, bigint) TO clinai_app;--> statement-breakpoint
CREATE FUNCTION clinai_authenticate_token(clinic uuid, secret_hash text, at timestamptz, touch_ms bigint)
RETURNS TABLE (token_id uuid, person_id uuid, person_role public.user_role)
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
AS $$
DECLARE
  found_token uuid;
  found_user uuid;
  found_role public.user_role;
  found_status public.user_status;
  used timestamptz;
  expires timestamptz;
BEGIN
  PERFORM set_config('app.tenant_id', clinic::text, true),
          set_config('app.user_id', '', true),
          set_config('app.role', 'system', true);
  SELECT t.id, t.user_id, u.role, u.status, t.last_used_at, t.expires_at
    INTO found_token, found_user, found_role, found_status, used, expires
    FROM public.api_tokens t
    JOIN public.users u ON u.tenant_id = t.tenant_id AND u.id = t.user_id
   WHERE t.tenant_id = clinic AND t.secret_hash = clinai_authenticate_token.secret_hash AND t.revoked_at IS NULL
   LIMIT 1;
  IF NOT FOUND OR found_status <> 'active' OR (expires IS NOT NULL AND expires <= at) THEN
    PERFORM set_config('app.tenant_id', '', true), set_config('app.role', '', true);
    RETURN;
  END IF;
  IF used IS NULL OR at - used > touch_ms * interval '1 millisecond' THEN
    UPDATE public.api_tokens t SET last_used_at = at WHERE t.tenant_id = clinic AND t.id = found_token;
  END IF;
  PERFORM set_config('app.user_id', found_user::text, true),
          set_config('app.role', found_role::text, true);
  token_id := found_token;
  person_id := found_user;
  person_role := found_role;
  RETURN NEXT;
END
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION clinai_authenticate_token(uuid, text, timestamptz, bigint) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION clinai_authenticate_token(uuid, text, timestamptz, bigint) TO clinai_app;
