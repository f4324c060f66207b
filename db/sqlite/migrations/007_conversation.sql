-- Who the conversation waits on (CONTRACT §5): 'agent' while the last
-- public message is the requester's (or no agent has answered yet),
-- 'requester' once an agent has answered publicly, NULL on closed tickets;
-- and when the last public message was written (the ticket's own text
-- counts as the first).
ALTER TABLE tickets ADD COLUMN awaiting TEXT CHECK (awaiting IN ('agent', 'requester'));
ALTER TABLE tickets ADD COLUMN last_message_at TEXT;

UPDATE tickets SET
    last_message_at = coalesce((SELECT max(m.created_at) FROM messages m
        WHERE m.ticket_id = tickets.id AND m.internal = 0 AND m.author_type <> 'system'), created_at),
    awaiting = CASE
        WHEN status = 'closed' THEN NULL
        WHEN (SELECT m.author_type FROM messages m
              WHERE m.ticket_id = tickets.id AND m.internal = 0 AND m.author_type <> 'system'
              ORDER BY m.id DESC LIMIT 1) = 'agent' THEN 'requester'
        ELSE 'agent' END;

-- "Waiting on us, longest first" and "waiting on us, newest first".
CREATE INDEX tickets_awaiting ON tickets (awaiting, last_message_at, id);
CREATE INDEX tickets_awaiting_id ON tickets (awaiting, id);
