-- Search covers the conversation (CONTRACT §5): the full-text index gains a
-- `conversation` column, every message body of the ticket (public replies,
-- internal notes, system messages), oldest first. It stays one index in
-- ticket-id order, so a search still walks rowids newest first and stops at
-- its LIMIT (two indexes joined by UNION would materialise every match of a
-- common word before the first row comes out).
--
-- The index's external content is a view, so snippet() reads the subject,
-- message, name, email and conversation of the rows it shows.
DROP TRIGGER tickets_fts_insert;
DROP TRIGGER tickets_fts_delete;
DROP TRIGGER tickets_fts_update;
DROP TABLE tickets_fts;

CREATE VIEW tickets_fts_source AS
SELECT t.id AS id, t.subject AS subject, t.message AS message, t.full_name AS full_name, t.email AS email,
       (SELECT group_concat(m.body, char(10) ORDER BY m.id) FROM messages m WHERE m.ticket_id = t.id) AS conversation
FROM tickets t;

CREATE VIRTUAL TABLE tickets_fts USING fts5 (
    subject, message, full_name, email, conversation,
    content = 'tickets_fts_source', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

-- The tickets whose indexed text changed in the open transaction, with the
-- text the index holds for them (indexed = 1) or none yet (indexed = 0, a
-- new ticket). The writer indexes them once, at the end of the transaction
-- (db/fts.go), because FTS5 writes its pending terms to disk at every
-- savepoint and statement journal: indexing row by row, as triggers did,
-- made one index segment per ticket and merge work that grew with the table.
-- Empty between transactions.
CREATE TABLE tickets_fts_pending (
    ticket_id    INTEGER PRIMARY KEY,
    indexed      INTEGER NOT NULL,
    subject      TEXT,
    message      TEXT,
    full_name    TEXT,
    email        TEXT,
    conversation TEXT
);

-- Each trigger records a ticket's indexed text before its first change in
-- the transaction; later changes find the row there and add nothing, so
-- the recorded text is what the index holds, which its 'delete' needs.
CREATE TRIGGER tickets_fts_insert AFTER INSERT ON tickets BEGIN
    INSERT OR IGNORE INTO tickets_fts_pending (ticket_id, indexed) VALUES (new.id, 0);
END;

CREATE TRIGGER tickets_fts_update BEFORE UPDATE OF subject, message, full_name, email ON tickets BEGIN
    INSERT INTO tickets_fts_pending (ticket_id, indexed, subject, message, full_name, email, conversation)
    SELECT id, 1, subject, message, full_name, email, conversation FROM tickets_fts_source
    WHERE id = old.id AND NOT EXISTS (SELECT 1 FROM tickets_fts_pending WHERE ticket_id = old.id);
END;

CREATE TRIGGER tickets_fts_delete BEFORE DELETE ON tickets BEGIN
    INSERT INTO tickets_fts_pending (ticket_id, indexed, subject, message, full_name, email, conversation)
    SELECT id, 1, subject, message, full_name, email, conversation FROM tickets_fts_source
    WHERE id = old.id AND NOT EXISTS (SELECT 1 FROM tickets_fts_pending WHERE ticket_id = old.id);
END;

CREATE TRIGGER tickets_fts_message_insert BEFORE INSERT ON messages BEGIN
    INSERT INTO tickets_fts_pending (ticket_id, indexed, subject, message, full_name, email, conversation)
    SELECT id, 1, subject, message, full_name, email, conversation FROM tickets_fts_source
    WHERE id = new.ticket_id AND NOT EXISTS (SELECT 1 FROM tickets_fts_pending WHERE ticket_id = new.ticket_id);
END;

-- Messages are only ever added, and deleted with their ticket; these keep
-- the index right for anything else (moving messages when tickets merge).
CREATE TRIGGER tickets_fts_message_update BEFORE UPDATE OF ticket_id, body ON messages BEGIN
    INSERT INTO tickets_fts_pending (ticket_id, indexed, subject, message, full_name, email, conversation)
    SELECT id, 1, subject, message, full_name, email, conversation FROM tickets_fts_source
    WHERE id IN (old.ticket_id, new.ticket_id)
      AND NOT EXISTS (SELECT 1 FROM tickets_fts_pending p WHERE p.ticket_id = tickets_fts_source.id);
END;

CREATE TRIGGER tickets_fts_message_delete BEFORE DELETE ON messages BEGIN
    INSERT INTO tickets_fts_pending (ticket_id, indexed, subject, message, full_name, email, conversation)
    SELECT id, 1, subject, message, full_name, email, conversation FROM tickets_fts_source
    WHERE id = old.ticket_id AND NOT EXISTS (SELECT 1 FROM tickets_fts_pending WHERE ticket_id = old.ticket_id);
END;

-- Index every ticket with its conversation.
INSERT INTO tickets_fts (tickets_fts) VALUES ('rebuild');
