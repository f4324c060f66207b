-- Presence on the agent workspace (issue 12): who has which ticket open,
-- viewing or replying, kept here rather than in a process's memory so
-- that two agents on one ticket see each other whichever helpdesk process
-- their browsers reach (db/presence.go).

-- presence_watches: one row per open ticket page (an event stream).
-- watch_key is the stream's random id; tab the id its page gave it (''
-- when none), by which the page's leave beacon, reaching any process,
-- ends it. agent_id is an account's id, or an API key's id negated.
-- replying_until: the agent is replying until then (NULL: viewing).
-- The process holding the stream pushes expires_at forward every few
-- seconds; a row past it is a page whose process is gone.
CREATE TABLE presence_watches (
    id             INTEGER PRIMARY KEY,
    watch_key      TEXT NOT NULL UNIQUE,
    ticket_id      INTEGER NOT NULL,
    agent_id       INTEGER NOT NULL,
    agent_name     TEXT NOT NULL,
    tab            TEXT NOT NULL,
    replying_until TEXT,
    expires_at     TEXT NOT NULL
);
CREATE INDEX presence_watches_ticket ON presence_watches (ticket_id, agent_id);
CREATE INDEX presence_watches_agent ON presence_watches (agent_id, expires_at);
CREATE INDEX presence_watches_expiry ON presence_watches (expires_at);

-- presence_tickets: a version per watched ticket, raised by every change
-- to its watches (a join, a leave, typing, an expiry), which each process
-- polls for the tickets it streams. changed_at lets rows of tickets
-- nobody has watched for a while be deleted.
CREATE TABLE presence_tickets (
    ticket_id  INTEGER PRIMARY KEY,
    version    INTEGER NOT NULL,
    changed_at TEXT NOT NULL
);
CREATE INDEX presence_tickets_changed ON presence_tickets (changed_at);
