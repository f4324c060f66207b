-- The outbox learns three things:
--
-- * status 'suppressed': a ticket-created confirmation held back by the
--   sending limits (ConfirmLimits): anyone may create a ticket for any
--   address, so without limits the confirmation relays strangers' text.
-- * claimed_at, recipient_key, recipient_domain: set by the delivery
--   worker when it lets a confirmation through (claimed_at) or holds it
--   back; the limits count claimed confirmations per normalised address
--   and per domain.
-- * thread_root: the one row per ticket whose email carries the thread's
--   root Message-ID <ticket-N@domain> (CONTRACT §5, Threading).
--
-- SQLite cannot change a CHECK constraint in place, so the table is rebuilt
-- the documented way (https://www.sqlite.org/lang_altertable.html#otheralter):
-- new table, copy, drop, rename, indexes again. No table references outbox,
-- so dropping it with foreign keys on deletes nothing elsewhere, and the
-- copied rows satisfy the same references they satisfied before.
CREATE TABLE outbox_new (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL,
    ticket_id        INTEGER REFERENCES tickets(id) ON DELETE CASCADE,
    message_id       INTEGER REFERENCES messages(id) ON DELETE CASCADE,
    recipient        TEXT NOT NULL,
    language         TEXT NOT NULL DEFAULT 'en',
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'suppressed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    last_error       TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL,
    sent_at          TEXT,
    claimed_at       TEXT,
    recipient_key    TEXT,
    recipient_domain TEXT,
    thread_root      INTEGER NOT NULL DEFAULT 0 CHECK (thread_root IN (0, 1))
);
INSERT INTO outbox_new (id, kind, ticket_id, message_id, recipient, language, status, attempts,
                        next_attempt_at, last_error, created_at, sent_at)
    SELECT id, kind, ticket_id, message_id, recipient, language, status, attempts,
           next_attempt_at, last_error, created_at, sent_at
    FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;

CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
-- The worker's hourly counts: an index range per address and per domain
-- over claimed rows only, so a ticket's insert (created with claimed_at
-- NULL) adds no index entry and creating a ticket costs what it did.
CREATE INDEX outbox_confirm_address ON outbox (recipient_key, created_at) WHERE claimed_at IS NOT NULL;
CREATE INDEX outbox_confirm_domain ON outbox (recipient_domain, created_at) WHERE claimed_at IS NOT NULL;
-- At most one root per ticket, whatever two rows try.
CREATE UNIQUE INDEX outbox_thread_root ON outbox (ticket_id) WHERE thread_root = 1;
