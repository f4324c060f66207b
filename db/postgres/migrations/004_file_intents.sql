-- Files about to be written to a bucket, or whose rows were deleted: the
-- journal the start-up sweep reads (db/file_intents.go). A name is noted
-- before its object is written and forgotten when its attachment row
-- commits; a name still here a day later, with no row naming it, is a
-- crash's leftover. The sweep removes only names from here, never an
-- object merely because no row names it: that object may belong to
-- another helpdesk on the same prefix, or be newer than the backup a
-- restored database came from.
CREATE TABLE file_intents (
    name     TEXT PRIMARY KEY,
    noted_at timestamptz NOT NULL
);
CREATE INDEX file_intents_noted ON file_intents (noted_at);
