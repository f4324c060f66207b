package postgres

// What the store's PostgreSQL engine runs besides its schema and search
// (db/engine_postgres.go).

// NextTicketID takes the next ticket id from the identity's sequence:
// every process's writer gets its own, and the insert names it.
const NextTicketID = `SELECT nextval(pg_get_serial_sequence('tickets', 'id'))`

// MigrationLock makes processes starting at once on one database migrate
// in turn: a session-level advisory lock, held on the connection that
// migrates (its key is arbitrary, fixed for the helpdesk).
const (
	MigrationLock   = `SELECT pg_advisory_lock(7261130001)`
	MigrationUnlock = `SELECT pg_advisory_unlock(7261130001)`
)

// ChangedTables reads, before a write transaction commits, which cached
// tables its statements changed: the change triggers append each table's
// name to this transaction-local setting (and NOTIFY helpdesk_changed for
// the other processes).
const ChangedTables = `SELECT coalesce(current_setting('helpdesk.changed', true), '')`

// Notification channels the change triggers signal.
const (
	ChannelOutbox  = "helpdesk_outbox"  // a notification was queued
	ChannelChanged = "helpdesk_changed" // payload: the table whose rows changed
)
