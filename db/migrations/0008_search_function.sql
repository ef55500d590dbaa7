-- Hand-written. Search as the one reviewed place that reads past row-level security.
-- Under RLS the planner may not use an index for a non-leakproof operator such as
-- @@ or ILIKE before the policies have run, so a search read every message of the
-- clinic. This function, owned by the owner role, reads the person's own rows by the
-- (tenant_id, owner_user_id, …) GIN indexes of migration 0007 and returns identifiers
-- and scores only. It takes the clinic and the person from the transaction's settings
-- (set by withTenant), never from its arguments, so a caller can only ever search
-- their own conversations; no context means no rows. The text itself (titles,
-- snippets) is read afterwards under RLS by the caller.
CREATE FUNCTION clinai_search_conversations(
  search_query text,
  substring_patterns text[],
  page_limit integer,
  page_offset integer
)
RETURNS TABLE (conversation_id uuid, message_id uuid, score double precision)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
#variable_conflict use_column
DECLARE
  caller_tenant uuid := nullif(current_setting('app.tenant_id', true), '')::uuid;
  caller_user uuid := nullif(current_setting('app.user_id', true), '')::uuid;
  query tsquery;
  longest text;
BEGIN
  -- Bounded input: anything else answers nothing rather than working hard.
  IF caller_tenant IS NULL OR caller_user IS NULL
     OR search_query IS NULL OR length(search_query) > 200
     OR coalesce(array_length(substring_patterns, 1), 0) > 8
     OR EXISTS (SELECT 1 FROM unnest(substring_patterns) AS p WHERE p IS NULL OR length(p) > 120)
     OR page_limit IS NULL OR page_limit NOT BETWEEN 1 AND 101
     OR page_offset IS NULL OR page_offset NOT BETWEEN 0 AND 10000 THEN
    RETURN;
  END IF;
  query := websearch_to_tsquery('german'::regconfig, search_query)
           || websearch_to_tsquery('english'::regconfig, search_query);
  -- The longest substring pattern lets the trigram index narrow the candidates; all must match.
  SELECT p INTO longest FROM unnest(substring_patterns) AS p ORDER BY length(p) DESC LIMIT 1;

  RETURN QUERY
  WITH title_hits AS MATERIALIZED (
    SELECT c.id AS hit_id,
           CASE WHEN c.search_vector @@ query THEN ts_rank(c.search_vector, query, 1) * 2 ELSE 0.002 END AS rank
      FROM conversations c
     WHERE c.tenant_id = caller_tenant AND c.owner_user_id = caller_user
       AND (c.search_vector @@ query
            OR (longest IS NOT NULL AND c.title ILIKE longest AND c.title ILIKE ALL (substring_patterns)))
  ),
  message_hits AS MATERIALIZED (
    SELECT DISTINCT ON (m.conversation_id)
           m.conversation_id AS hit_id, m.id AS hit_message_id,
           CASE WHEN m.search_vector @@ query THEN ts_rank(m.search_vector, query, 1) ELSE 0.001 END AS rank
      FROM messages m
     WHERE m.tenant_id = caller_tenant AND m.owner_user_id = caller_user
       AND (m.search_vector @@ query
            OR (longest IS NOT NULL AND m.content ILIKE longest AND m.content ILIKE ALL (substring_patterns)))
     ORDER BY m.conversation_id, rank DESC, m.created_at DESC, m.id
  ),
  hits AS (
    SELECT hit_id FROM title_hits UNION SELECT hit_id FROM message_hits
  )
  SELECT c.id, mh.hit_message_id, (coalesce(th.rank, 0) + coalesce(mh.rank, 0))::float8
    FROM hits
    JOIN conversations c
      ON c.tenant_id = caller_tenant AND c.owner_user_id = caller_user AND c.id = hits.hit_id
    LEFT JOIN title_hits th ON th.hit_id = c.id
    LEFT JOIN message_hits mh ON mh.hit_id = c.id
   ORDER BY 3 DESC, c.last_message_at DESC NULLS LAST, c.id
   LIMIT page_limit OFFSET page_offset;
END
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION clinai_search_conversations(text, text[], integer, integer) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION clinai_search_conversations(text, text[], integer, integer) TO clinai_app;
