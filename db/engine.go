package db

import (
	"database/sql"
)

// engine is what the two stores do differently. The SQL they share, and
// every domain rule (validation, the status workflow, who may see what),
// stay in package db; each engine adds only its own SQL (db/sqlite,
// db/postgres) and the way it runs transactions.
type engine interface {
	// bind turns a shared SQL text, written with ? placeholders, into
	// the driver's.
	bind(query string) string
	// planFresh returns the arguments of a query the engine must plan
	// for these very arguments rather than reuse a cached plan
	// (readPool.QueryPlanned).
	planFresh(args []any) []any
	// beginWrite starts the writer's transaction.
	beginWrite(conn *sql.DB) (*sql.Tx, error)
	// beforeCommit runs last in every write transaction.
	beforeCommit(tx *Tx) error
	// maintain runs between write batches once writes have piled up or
	// the writer has been idle (SQLite: a WAL checkpoint).
	maintain(conn *sql.DB)
	// upkeep tidies what the engine's own tables gather (upkeep.go).
	upkeep(tx *Tx) error
	// retryable reports whether a transaction that failed with err may
	// succeed when run again unchanged (a serialization failure).
	retryable(err error) bool
	// nextTicketID is the id the next ticket inserted in tx gets: its
	// token is derived from it before the row exists.
	nextTicketID(tx *Tx) (int64, error)
	// listColumns are the columns a ticket list selects, in
	// ticketScanner's order.
	listColumns() string
	// day is the UTC day of the stored time column col, as 2006-01-02.
	day(col string) string
	// search is the engine's full-text search.
	search() *searchSQL
	// forUpdateSkipLocked ends a SELECT whose rows the transaction claims
	// from other processes; "" where one writer is all there is.
	forUpdateSkipLocked() string
}

// searchSQL is how an engine's full-text index joins a ticket list
// (ticket_list.go). The index is aliased f and the tickets t; the query
// text is the first argument, bound where From or Match holds its ?.
type searchSQL struct {
	From       string // FROM clause driving the list from the index
	FromStatus string // From, when the list is also filtered by status
	CountFrom  string // FROM clause counting matches without reading tickets
	Match      string // WHERE condition; "" when From binds the query
	ID         string // the index's ticket id column, in the list's order
	// Snippets are four columns: the passage of the message, the
	// conversation, the name and the email, matched words between
	// SnippetStart and SnippetEnd.
	Snippets string
	// Query turns what a person typed into the engine's query text; ""
	// when nothing in it can match.
	Query func(q string, prefix bool) string
}
