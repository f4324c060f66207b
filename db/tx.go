package db

import (
	"context"
	"database/sql"
)

// maxWriterStatements bounds the writer's prepared statements; texts past
// it run unprepared.
const maxWriterStatements = 256

// Tx is the writer's transaction. It runs each SQL text through a
// statement prepared on the writer's one connection, once that text has
// been seen: the driver otherwise parses the text on every call (measured:
// about a third of a create's CPU). A text is prepared after the commit in
// which it first ran, because the connection is busy with the transaction
// until then.
type Tx struct {
	*sql.Tx
	w *writer
}

func (t *Tx) stmt(query string) *sql.Stmt {
	if s, ok := t.w.stmts[query]; ok {
		return t.Tx.Stmt(s)
	}
	if len(t.w.stmts)+len(t.w.toPrepare) < maxWriterStatements {
		t.w.toPrepare[query] = true
	}
	return nil
}

// Exec runs query through its prepared statement when there is one.
func (t *Tx) Exec(query string, args ...any) (sql.Result, error) {
	if s := t.stmt(query); s != nil {
		return s.Exec(args...)
	}
	return t.Tx.Exec(t.w.eng.bind(query), args...)
}

// Query runs query through its prepared statement when there is one.
func (t *Tx) Query(query string, args ...any) (*sql.Rows, error) {
	if s := t.stmt(query); s != nil {
		return s.Query(args...)
	}
	return t.Tx.Query(t.w.eng.bind(query), args...)
}

// QueryRow runs query through its prepared statement when there is one.
func (t *Tx) QueryRow(query string, args ...any) *sql.Row {
	if s := t.stmt(query); s != nil {
		return s.QueryRow(args...)
	}
	return t.Tx.QueryRow(t.w.eng.bind(query), args...)
}

// QueryContext is Query, for lookups shared with the read pool.
func (t *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := t.stmt(query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, t.w.eng.bind(query), args...)
}

// QueryRowContext is QueryRow, for lookups shared with the read pool.
func (t *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := t.stmt(query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, t.w.eng.bind(query), args...)
}

// prepareSeen prepares the texts first seen in the last batch; the writer
// calls it between transactions, when its connection is free.
func (w *writer) prepareSeen() {
	for q := range w.toPrepare {
		if s, err := w.conn.Prepare(w.eng.bind(q)); err == nil {
			w.stmts[q] = s
		}
		delete(w.toPrepare, q)
	}
}
