package db

import (
	"context"
	"database/sql"
	"sync"
)

// maxCachedStatements bounds the statement cache: list queries are built
// from filters, so their texts vary; past the bound new texts run unprepared.
const maxCachedStatements = 512

// readPool is the pool of read connections with a cache of prepared
// statements by SQL text. The driver parses a statement's text on every
// plain query (measured: 63% of a get-by-id's CPU); a prepared statement
// is parsed once per connection.
type readPool struct {
	*sql.DB
	eng   engine
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

func newReadPool(db *sql.DB, eng engine) *readPool {
	return &readPool{DB: db, eng: eng, stmts: map[string]*sql.Stmt{}}
}

func (p *readPool) stmt(ctx context.Context, query string) *sql.Stmt {
	p.mu.Lock()
	defer p.mu.Unlock()
	if s, ok := p.stmts[query]; ok {
		return s
	}
	if len(p.stmts) >= maxCachedStatements {
		return nil
	}
	s, err := p.DB.PrepareContext(ctx, p.eng.bind(query))
	if err != nil {
		return nil // let the plain query report the error
	}
	p.stmts[query] = s
	return s
}

// QueryContext runs query through its cached prepared statement.
func (p *readPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := p.stmt(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return p.DB.QueryContext(ctx, p.eng.bind(query), args...)
}

// QueryRowContext runs query through its cached prepared statement.
func (p *readPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := p.stmt(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return p.DB.QueryRowContext(ctx, p.eng.bind(query), args...)
}

// QueryPlanned runs query planned for its own arguments, never through a
// cached plan: a search's best plan depends on how common its words are
// (engine.planFresh).
func (p *readPool) QueryPlanned(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return p.DB.QueryContext(ctx, p.eng.bind(query), p.eng.planFresh(args)...)
}

// QueryRowPlanned is QueryPlanned for one row.
func (p *readPool) QueryRowPlanned(ctx context.Context, query string, args ...any) *sql.Row {
	return p.DB.QueryRowContext(ctx, p.eng.bind(query), p.eng.planFresh(args)...)
}

// QueryRow is QueryRowContext without a context.
func (p *readPool) QueryRow(query string, args ...any) *sql.Row {
	return p.QueryRowContext(context.Background(), query, args...)
}

// Query is QueryContext without a context.
func (p *readPool) Query(query string, args ...any) (*sql.Rows, error) {
	return p.QueryContext(context.Background(), query, args...)
}

// ExecContext runs a statement on a read connection (a test's setup; the
// store's own writes go through the writer).
func (p *readPool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return p.DB.ExecContext(ctx, p.eng.bind(query), args...)
}

// Exec is ExecContext without a context.
func (p *readPool) Exec(query string, args ...any) (sql.Result, error) {
	return p.ExecContext(context.Background(), query, args...)
}

// Close closes the cached statements and the pool.
func (p *readPool) Close() error {
	p.mu.Lock()
	for _, s := range p.stmts {
		s.Close()
	}
	p.stmts = map[string]*sql.Stmt{}
	p.mu.Unlock()
	return p.DB.Close()
}
