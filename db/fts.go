package db

import (
	"database/sql"
	"fmt"
)

// Full-text indexing happens once per transaction. Triggers
// (migrations/009_conversation_search.sql) list in tickets_fts_pending each
// ticket whose subject, message, requester or conversation changed, with the
// text the index held for it; indexFTS then replaces those tickets' entries
// in one statement, the transaction's last. FTS5 writes the terms it holds
// in memory to disk at every savepoint and statement journal, so indexing
// as each row changed made one index segment per ticket and merges that grew
// with the table (32 % of a create's CPU at 1M tickets); indexed at the end,
// a whole batch of writes makes one segment.

const ftsPendingAny = `SELECT EXISTS (SELECT 1 FROM tickets_fts_pending)`

// ftsReindex removes what the index holds for each pending ticket ('delete'
// needs the very text that was indexed) and indexes what the ticket holds
// now; a deleted ticket has no row in the source and is only removed. One
// statement, so the deletions and insertions share FTS5's in-memory terms.
const ftsReindex = `INSERT INTO tickets_fts (tickets_fts, rowid, subject, message, full_name, email, conversation)
	SELECT 'delete', ticket_id, subject, message, full_name, email, conversation
	FROM tickets_fts_pending WHERE indexed
	UNION ALL
	SELECT NULL, s.id, s.subject, s.message, s.full_name, s.email, s.conversation
	FROM tickets_fts_pending p JOIN tickets_fts_source s ON s.id = p.ticket_id`

const ftsPendingClear = `DELETE FROM tickets_fts_pending`

// execer is what the writer's Tx and a migration's *sql.Tx share.
type execer interface {
	Exec(query string, args ...any) (sql.Result, error)
	QueryRow(query string, args ...any) *sql.Row
}

// indexFTS brings the full-text index up to date with the transaction's
// changes. It costs one indexed read when nothing changed, and writes
// nothing then.
func indexFTS(tx execer) error {
	var any bool
	if err := tx.QueryRow(ftsPendingAny).Scan(&any); err != nil {
		return fmt.Errorf("db: unable to read the full-text queue: %w", err)
	}
	if !any {
		return nil
	}
	if _, err := tx.Exec(ftsReindex); err != nil {
		return fmt.Errorf("db: unable to index for full-text search: %w", err)
	}
	if _, err := tx.Exec(ftsPendingClear); err != nil {
		return fmt.Errorf("db: unable to clear the full-text queue: %w", err)
	}
	return nil
}
