-- Macros (CONTRACT §6): canned replies with actions, which agents apply
-- from the composer. name_key is the name lower-cased (Unicode, in Go):
-- names are unique whatever their case, which COLLATE NOCASE would only
-- do for ASCII. The actions are columns, each NULL (or '' for the tags,
-- comma-separated, which a tag never contains) when the macro leaves that
-- field alone. version counts edits, so a reply sent with a macro applies
-- the actions the agent was shown, or none.
CREATE TABLE macros (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL UNIQUE,
    body        TEXT NOT NULL,
    status      TEXT,
    priority    TEXT,
    assignee_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    add_tags    TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
