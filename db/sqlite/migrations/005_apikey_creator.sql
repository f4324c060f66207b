-- Who made each API key, so a key never keeps rights its creator lost.
-- created_by is the admin who made it in the settings page; NULL with
-- created_via 'command' for `helpdesk apikey create` (the operator of the
-- machine), and 'unrecorded' for keys made before this migration, whose
-- origin nobody knows.
ALTER TABLE api_keys ADD COLUMN created_by INTEGER REFERENCES users(id);
ALTER TABLE api_keys ADD COLUMN created_via TEXT NOT NULL DEFAULT 'unrecorded'
    CHECK (created_via IN ('unrecorded', 'command', 'settings'));

-- Why and by whom a key was revoked: an admin's hand ('revoked'), or its
-- creator's deactivation or loss of the admin role. NULL for revocations
-- made before this migration.
ALTER TABLE api_keys ADD COLUMN revoked_by INTEGER REFERENCES users(id);
ALTER TABLE api_keys ADD COLUMN revoked_reason TEXT
    CHECK (revoked_reason IN ('revoked', 'creator_deactivated', 'creator_demoted'));

-- Deactivating or demoting an account revokes its live keys.
CREATE INDEX api_keys_created_by ON api_keys (created_by) WHERE revoked_at IS NULL;
