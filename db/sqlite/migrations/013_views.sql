-- Saved views (CONTRACT §6 "Views"): a queue filter set an agent saved
-- under a name. query is the queue address's query string as the desk
-- wrote it (canonical, without cursor or page size); the desk parses it
-- with the same parser as the address, so a view is exactly a bookmark.
-- Personal views are their owner's; shared ones every agent sees.
CREATE TABLE saved_views (
    id         INTEGER PRIMARY KEY,
    owner_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    query      TEXT NOT NULL,
    shared     INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX saved_views_owner ON saved_views (owner_id);
CREATE INDEX saved_views_shared ON saved_views (shared) WHERE shared = 1;
