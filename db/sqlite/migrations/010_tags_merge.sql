-- Tags (CONTRACT §6): lower-case labels agents put on tickets to group and
-- find them. One row a tag a ticket; the (tag, ticket_id) index serves
-- ?tag= lists and the suggestions' counts.
CREATE TABLE ticket_tags (
    ticket_id INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    tag       TEXT NOT NULL,
    PRIMARY KEY (ticket_id, tag)
) WITHOUT ROWID;
CREATE INDEX ticket_tags_tag ON ticket_tags (tag, ticket_id);

-- Merge (CONTRACT §6): a merged ticket is closed and points at the ticket
-- its conversation moved to; its token and reply address lead there.
ALTER TABLE tickets ADD COLUMN merged_into INTEGER REFERENCES tickets(id) ON DELETE SET NULL;
