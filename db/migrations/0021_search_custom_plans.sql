-- Hand-written. PL/pgSQL caches the plans of a function's queries per connection, and after
-- five calls it may switch to one generic plan that does not know the caller's clinic and
-- person. For search that plan is a bad one: measured at 10 000 messages of one's own, a
-- common word took 10 ms for five calls and 160 ms from the sixth on, on every pooled
-- connection. The search is planned for each call instead (plan_cache_mode is a user-level
-- setting, allowed on Azure Database for PostgreSQL Flexible Server).
ALTER FUNCTION clinai_search_conversations(text, text[], integer, integer) SET plan_cache_mode = force_custom_plan;
