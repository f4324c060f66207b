-- Categories: canonical English name, Spanish label, aliases existing
-- Kinconecta clients send. Retired categories stay on old tickets.
CREATE TABLE categories (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name_es    TEXT NOT NULL,
    position   INTEGER NOT NULL DEFAULT 0,
    retired_at TEXT
);

CREATE TABLE category_aliases (
    alias       TEXT PRIMARY KEY COLLATE NOCASE,
    category_id INTEGER NOT NULL REFERENCES categories(id) ON DELETE CASCADE
);

INSERT INTO categories (id, name, name_es, position) VALUES
    (1, 'General Inquiry',    'Consulta general',       1),
    (2, 'Technical Issue',    'Problema técnico',       2),
    (3, 'Billing',            'Pagos y facturación',    3),
    (4, 'Booking',            'Reservas y viajes',      4),
    (5, 'Account',            'Cuenta y seguridad',     5),
    (6, 'Guide Verification', 'Verificación de guías',  6),
    (7, 'Other',              'Otro',                   7);

INSERT INTO category_aliases (alias, category_id) VALUES
    ('GENERAL', 1),
    ('PAGOS_FACTURACION', 3),
    ('RESERVAS_VIAJES', 4),
    ('CUENTA_SEGURIDAD', 5),
    ('VERIFICACION_GUIAS', 6),
    ('OTRO', 7);

-- Agents and admins.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('agent', 'admin')),
    password_hash TEXT NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL
);

-- API keys: only the SHA-256 of the key is kept.
CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('agent', 'admin')),
    key_hash     BLOB NOT NULL UNIQUE,
    prefix       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);

CREATE TABLE tickets (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    role_context      TEXT NOT NULL,
    full_name         TEXT NOT NULL,
    email             TEXT NOT NULL,
    subject           TEXT NOT NULL,
    category_id       INTEGER NOT NULL REFERENCES categories(id),
    message           TEXT NOT NULL,
    status            TEXT NOT NULL,
    priority          TEXT NOT NULL DEFAULT 'normal',
    assignee_id       INTEGER REFERENCES users(id) ON DELETE SET NULL,
    language          TEXT NOT NULL DEFAULT 'en',
    access_token_hash BLOB NOT NULL UNIQUE,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);

-- Newest first is id order; these serve every list filter with keyset paging.
CREATE INDEX tickets_status_id ON tickets (status, id);
CREATE INDEX tickets_updated ON tickets (updated_at, id);
CREATE INDEX tickets_status_updated ON tickets (status, updated_at, id);
CREATE INDEX tickets_category_id ON tickets (category_id, id);
CREATE INDEX tickets_email ON tickets (email COLLATE NOCASE, id);
CREATE INDEX tickets_assignee ON tickets (assignee_id, id);

-- Files stored under the data directory (storage_name) or references to
-- files hosted elsewhere (external_url), never both.
CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY,
    ticket_id    INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    message_id   INTEGER REFERENCES messages(id) ON DELETE SET NULL,
    file_name    TEXT NOT NULL,
    mime_type    TEXT NOT NULL,
    file_size    INTEGER NOT NULL,
    storage_name TEXT UNIQUE,
    external_url TEXT,
    uploaded_at  TEXT NOT NULL,
    CHECK ((storage_name IS NULL) <> (external_url IS NULL))
);
CREATE INDEX attachments_ticket ON attachments (ticket_id, id);

-- The conversation: requester messages, public replies and internal notes.
CREATE TABLE messages (
    id          INTEGER PRIMARY KEY,
    ticket_id   INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    author_type TEXT NOT NULL CHECK (author_type IN ('requester', 'agent', 'system')),
    author_id   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    author_name TEXT NOT NULL,
    body        TEXT NOT NULL,
    internal    INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL
);
CREATE INDEX messages_ticket ON messages (ticket_id, id);

-- Every change of status or field: who, when, from, to.
CREATE TABLE ticket_events (
    id          INTEGER PRIMARY KEY,
    ticket_id   INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    actor_type  TEXT NOT NULL,
    actor_id    INTEGER,
    actor_name  TEXT NOT NULL,
    field       TEXT NOT NULL,
    from_value  TEXT,
    to_value    TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, id);

-- Full-text index over what a searcher remembers of a ticket.
CREATE VIRTUAL TABLE tickets_fts USING fts5 (
    subject, message, full_name, email,
    content = 'tickets', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER tickets_fts_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO tickets_fts (rowid, subject, message, full_name, email)
    VALUES (new.id, new.subject, new.message, new.full_name, new.email);
END;

CREATE TRIGGER tickets_fts_delete AFTER DELETE ON tickets BEGIN
    INSERT INTO tickets_fts (tickets_fts, rowid, subject, message, full_name, email)
    VALUES ('delete', old.id, old.subject, old.message, old.full_name, old.email);
END;

CREATE TRIGGER tickets_fts_update AFTER UPDATE OF subject, message, full_name, email ON tickets BEGIN
    INSERT INTO tickets_fts (tickets_fts, rowid, subject, message, full_name, email)
    VALUES ('delete', old.id, old.subject, old.message, old.full_name, old.email);
    INSERT INTO tickets_fts (rowid, subject, message, full_name, email)
    VALUES (new.id, new.subject, new.message, new.full_name, new.email);
END;
