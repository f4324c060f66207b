-- The shared SQL now spells booleans TRUE and FALSE, which PostgreSQL's
-- BOOLEAN columns need. SQLite reads TRUE as 1, but its planner uses a
-- partial index only for a query term spelled as the index's WHERE is:
-- with the index on "thread_root = 1", "thread_root = TRUE" scanned the
-- whole outbox for every row the worker claims. The same for the shared
-- saved views.
DROP INDEX outbox_thread_root;
CREATE UNIQUE INDEX outbox_thread_root ON outbox (ticket_id) WHERE thread_root = TRUE;
DROP INDEX saved_views_shared;
CREATE INDEX saved_views_shared ON saved_views (shared) WHERE shared = TRUE;
