-- Rate limits and sign-in throttles (issue 12, CONTRACT §9): kept here
-- rather than in a process's memory, so that they hold across every
-- helpdesk process sharing the database. scope names the limit
-- ("create", "login-pair", ...), key_name what it counts against (a
-- client address, an account; at most 320 bytes, longer ones hashed).
-- Rows past their time are dead and are deleted as the tables are
-- written (db/throttles.go).

-- rate_limits: one fixed window per key; hits counts the requests since
-- the window began, refused ones included, and the window ends at
-- reset_at.
CREATE TABLE rate_limits (
    id       INTEGER PRIMARY KEY,
    scope    TEXT NOT NULL,
    key_name TEXT NOT NULL,
    hits     INTEGER NOT NULL,
    reset_at TEXT NOT NULL,
    UNIQUE (scope, key_name)
);
CREATE INDEX rate_limits_reset ON rate_limits (reset_at);

-- throttle_attempts: one row per counted attempt (sliding window), alive
-- until expires_at; an attempt that turned out not to fail is deleted.
CREATE TABLE throttle_attempts (
    id         INTEGER PRIMARY KEY,
    scope      TEXT NOT NULL,
    key_name   TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX throttle_attempts_key ON throttle_attempts (scope, key_name, expires_at);
CREATE INDEX throttle_attempts_expiry ON throttle_attempts (expires_at);
