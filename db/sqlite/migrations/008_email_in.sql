-- Email in (CONTRACT §5).
--
-- * messages.author_email: the real sender of a message, the From address
--   of an emailed one (a spouse in CC is not the requester), the ticket's
--   address for a requester's web message, the agent's for an agent's.
--   NULL where nobody knows (messages written before this, API keys, the
--   helpdesk's own system messages).
-- * messages.email_message_id: the Message-ID of the email a message came
--   from, so the same email delivered twice (a sender's server that lost
--   our 250 sends it again) is stored once. A message with none is not
--   indexed.
ALTER TABLE messages ADD COLUMN author_email TEXT;
ALTER TABLE messages ADD COLUMN email_message_id TEXT;
CREATE UNIQUE INDEX messages_email_message_id ON messages (ticket_id, email_message_id)
    WHERE email_message_id IS NOT NULL;

-- The one email to a sender about an email of theirs that kept nothing
-- (nothing left after stripping the quotes): it stores no message, so the
-- outbox row holds the Message-ID, and a second delivery finds it there.
ALTER TABLE outbox ADD COLUMN email_message_id TEXT;
CREATE UNIQUE INDEX outbox_email_message_id ON outbox (ticket_id, email_message_id)
    WHERE email_message_id IS NOT NULL;

-- Tickets opened by email to --support-address: who sent the opening email
-- (lower case, without a +tag, as the confirmation limits count) and its
-- Message-ID. The first counts the tickets one sender opens an hour, which
-- must survive restarts; the second stores a redelivered opening email once.
-- Web tickets have no row here, so creating one costs what it did.
CREATE TABLE email_tickets (
    ticket_id  INTEGER PRIMARY KEY REFERENCES tickets(id) ON DELETE CASCADE,
    sender_key TEXT NOT NULL,
    message_id TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX email_tickets_sender ON email_tickets (sender_key, created_at);
CREATE UNIQUE INDEX email_tickets_message ON email_tickets (sender_key, message_id)
    WHERE message_id IS NOT NULL;
