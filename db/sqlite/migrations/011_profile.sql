-- An agent's own profile (issue 11): the signature appended to their
-- public replies, and their language ('' = none chosen: the desk follows
-- the browser and their emails are in English, as before).
ALTER TABLE users ADD COLUMN signature TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT '';

-- How a message's body is written: 'plain' (everything before this
-- migration, and everything requesters write) or 'markdown', the desk
-- composer's small formatting subset, rendered by internal/richtext on the
-- page and in the email. The source text is what is stored.
ALTER TABLE messages ADD COLUMN format TEXT NOT NULL DEFAULT 'plain';
