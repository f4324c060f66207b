package sqlite

// Full-text search runs on FTS5 (migrations/009_conversation_search.sql).
// Indexing happens once per transaction: triggers list in
// tickets_fts_pending each ticket whose subject, message, requester or
// conversation changed, with the text the index held for it, and the
// writer then replaces those tickets' entries in one statement, the
// transaction's last. FTS5 writes the terms it holds in memory to disk at
// every savepoint and statement journal, so indexing as each row changed
// made one index segment per ticket and merges that grew with the table
// (32 % of a create's CPU at 1M tickets); indexed at the end, a whole
// batch of writes makes one segment.

// FTSPendingAny asks whether the transaction changed any indexed text.
const FTSPendingAny = `SELECT EXISTS (SELECT 1 FROM tickets_fts_pending)`

// FTSReindex removes what the index holds for each pending ticket ('delete'
// needs the very text that was indexed) and indexes what the ticket holds
// now; a deleted ticket has no row in the source and is only removed. One
// statement, so the deletions and insertions share FTS5's in-memory terms.
const FTSReindex = `INSERT INTO tickets_fts (tickets_fts, rowid, subject, message, full_name, email, conversation)
	SELECT 'delete', ticket_id, subject, message, full_name, email, conversation
	FROM tickets_fts_pending WHERE indexed
	UNION ALL
	SELECT NULL, s.id, s.subject, s.message, s.full_name, s.email, s.conversation
	FROM tickets_fts_pending p JOIN tickets_fts_source s ON s.id = p.ticket_id`

// FTSPendingClear empties the queue once indexed.
const FTSPendingClear = `DELETE FROM tickets_fts_pending`

// A list searched drives its query from the index, in rowid order: ranking
// every match of common words costs hundreds of ms (MEASURED.md).
const (
	SearchFrom = `tickets_fts f JOIN tickets t ON t.id = f.rowid`
	// A common word within a status: each match's status is read from
	// the (status, id) index, a few small pages, rather than from the
	// ticket's row (measured at 1M tickets: a capped count 3.7 → 1.8 ms).
	SearchFromStatus = `tickets_fts f JOIN tickets t INDEXED BY tickets_status_id ON t.id = f.rowid`
	// The text alone counts matches in the index, without looking up each
	// matching ticket (measured: 35 ms → 1.3 ms for 12k matches).
	SearchCountFrom = `tickets_fts f`
	SearchMatch     = `tickets_fts MATCH ?`
	// FTS5 walks its own rowids in order instead of sorting matches.
	SearchID = `f.rowid`
	// The subject is on the row already: the passage comes from the
	// message, the conversation, the name or the email.
	SearchSnippets = `snippet(tickets_fts, 1, char(2), char(3), '…', 32), snippet(tickets_fts, 4, char(2), char(3), '…', 32),
			snippet(tickets_fts, 2, char(2), char(3), '…', 8), snippet(tickets_fts, 3, char(2), char(3), '…', 8)`
)

// NextTicketID is the id the next ticket gets: tickets is AUTOINCREMENT,
// so one past the largest id it ever handed out (the writer is the only
// one inserting).
const NextTicketID = `SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'tickets'), 0),
		coalesce((SELECT max(id) FROM tickets), 0)) + 1`
