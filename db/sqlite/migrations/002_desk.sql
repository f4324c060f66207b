-- Agent sessions, kept server-side so logout, deactivation and a password
-- change end them. Only a hash of the session id is stored.
CREATE TABLE sessions (
    id_hash     BLOB PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    data        BLOB NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- One-time links to set a password (new agents, resets).
CREATE TABLE password_tokens (
    token_hash  BLOB PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at  TEXT NOT NULL
);

-- Transactional outbox: a notification is written in the same transaction
-- as the change that causes it and delivered later by a worker.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,
    ticket_id       INTEGER REFERENCES tickets(id) ON DELETE CASCADE,
    message_id      INTEGER REFERENCES messages(id) ON DELETE CASCADE,
    recipient       TEXT NOT NULL,
    language        TEXT NOT NULL DEFAULT 'en',
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    sent_at         TEXT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

-- Agents' first public reply, for time-to-first-response reports.
CREATE INDEX messages_agent_public ON messages (ticket_id, author_type, internal, id);
CREATE INDEX tickets_created_at ON tickets (created_at);
CREATE INDEX ticket_events_field ON ticket_events (field, to_value, ticket_id);

-- Agents who want an email for every new ticket.
ALTER TABLE users ADD COLUMN notify_new_tickets INTEGER NOT NULL DEFAULT 0;

-- Server-side keys (for example the key that signs reply addresses), made
-- once and kept with the data so backups carry them.
CREATE TABLE server_keys (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
);

-- Extra private links to a ticket, minted for each email so the email can
-- carry a working link while only hashes are stored.
CREATE TABLE ticket_tokens (
    token_hash BLOB PRIMARY KEY,
    ticket_id  INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL
);
CREATE INDEX ticket_tokens_ticket ON ticket_tokens (ticket_id);

-- Tickets per status, kept by triggers: counting a status of a million
-- tickets through an index takes tens of ms, and every queue view shows them.
CREATE TABLE ticket_counts (
    status TEXT PRIMARY KEY,
    n      INTEGER NOT NULL
);
INSERT INTO ticket_counts (status, n)
    SELECT s.status, (SELECT count(*) FROM tickets t WHERE t.status = s.status)
    FROM (SELECT 'created' AS status UNION ALL SELECT 'open' UNION ALL SELECT 'in_progress'
          UNION ALL SELECT 'resolved' UNION ALL SELECT 'closed') s;

CREATE TRIGGER ticket_counts_insert AFTER INSERT ON tickets BEGIN
    UPDATE ticket_counts SET n = n + 1 WHERE status = new.status;
END;
CREATE TRIGGER ticket_counts_delete AFTER DELETE ON tickets BEGIN
    UPDATE ticket_counts SET n = n - 1 WHERE status = old.status;
END;
CREATE TRIGGER ticket_counts_update AFTER UPDATE OF status ON tickets WHEN old.status <> new.status BEGIN
    UPDATE ticket_counts SET n = n - 1 WHERE status = old.status;
    UPDATE ticket_counts SET n = n + 1 WHERE status = new.status;
END;

CREATE INDEX tickets_priority ON tickets (priority, id);
