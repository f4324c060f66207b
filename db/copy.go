package db

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// CopyResult says what CopyToPostgres copied.
type CopyResult struct {
	Tables []TableRows // every copied table, in the order copied
	Rows   int64       // their rows, all told
}

// TableRows is one copied table and its number of rows.
type TableRows struct {
	Name string
	Rows int64
}

// Tables of either engine a copy leaves alone. The migrations' own
// records, SQLite's bookkeeping and its full-text index (FTS5's tables and
// the queue of tickets to index) mean nothing to PostgreSQL; ticket_counts
// and ticket_search are derived from the tickets and messages by the
// target's triggers as the rows arrive, so they are checked, not copied.
var (
	copySkipped = []string{"schema_migrations", "ticket_counts", "ticket_search"}
	// seededTables are filled by the target's first migration (the
	// default categories): the copy replaces their rows with the
	// source's, which hold the same defaults as edited since.
	seededTables = []string{"categories", "category_aliases"}
)

// CopyToPostgres copies every row of the embedded database d into the
// PostgreSQL database at url, keeping every id, so that tracking links,
// reply addresses, sessions and API keys stay valid, and checks the copy:
// as many rows in every table as in the source, and the same count of
// tickets per status. It migrates the target's schema first
// (OpenPostgres). The target must be empty: a row in any copied table
// (the default categories aside) answers ECONFLICT and copies nothing.
//
// All of it is one transaction on the target, which holds its tables
// locked against writes (EXCLUSIVE): a copy that fails leaves the target
// as it was, ready for another try, and writes to the target meanwhile
// wait for it (start no server on it before migrate ends). The source is
// read in one snapshot. beforeRows, when not nil, runs once the target is
// known empty and locked, before any row is written; its error ends the
// copy (helpdesk migrate moves the attachment files there, so that rows
// never name a file not yet moved).
//
// Rows go over the COPY protocol, each value converted to its target
// column's type: timestamptz from the stored text, boolean from 0/1, bytea
// from blobs. Tables are copied parents first, following the target's
// foreign keys. COPY fires the target's row and statement triggers; none
// of them changes a copied row (TestCopyToPostgres reads every ticket
// back, times and awaiting state included): the tickets' and messages'
// triggers write ticket_counts and ticket_search, which are not copied,
// and the others only NOTIFY the other processes. Each identity then moves
// past the largest id copied, or past the largest id SQLite ever gave (its
// sqlite_sequence: ticket ids are never reused, even of deleted tickets).
func (d *DB) CopyToPostgres(ctx context.Context, url string, beforeRows func(context.Context) error) (CopyResult, error) {
	var r CopyResult
	if !d.Embedded() {
		return r, fmt.Errorf("db: the copy's source must be the embedded database")
	}
	target, err := OpenPostgres(url)
	if err != nil {
		return r, err
	}
	target.Close()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return r, fmt.Errorf("db: unable to reach PostgreSQL: %w", err)
	}
	defer conn.Close(context.Background())
	tx, err := conn.Begin(ctx)
	if err != nil {
		return r, fmt.Errorf("db: unable to begin the copy: %w", err)
	}
	defer tx.Rollback(context.Background())

	schema, err := readTargetSchema(ctx, tx)
	if err != nil {
		return r, err
	}
	src, err := d.read.DB.Conn(ctx)
	if err != nil {
		return r, fmt.Errorf("db: unable to read the source: %w", err)
	}
	defer src.Close()
	// One snapshot of the source, from its first read on.
	if _, err := src.ExecContext(ctx, "BEGIN"); err != nil {
		return r, fmt.Errorf("db: unable to read the source: %w", err)
	}
	defer src.ExecContext(context.Background(), "ROLLBACK")
	if err := schema.matchSource(ctx, src); err != nil {
		return r, err
	}

	if err := lockAndCheckEmpty(ctx, tx, schema.order); err != nil {
		return r, err
	}
	if beforeRows != nil {
		if err := beforeRows(ctx); err != nil {
			return r, err
		}
	}
	for _, t := range schema.order {
		n, err := copyTable(ctx, src, tx, t, schema.source[t], schema.columns[t])
		if err != nil {
			return r, err
		}
		r.Tables = append(r.Tables, TableRows{Name: t, Rows: n})
		r.Rows += n
	}
	if err := moveIdentities(ctx, src, tx, schema); err != nil {
		return r, err
	}
	if err := verifyCopy(ctx, src, tx, r.Tables); err != nil {
		return r, err
	}
	if err := tx.Commit(ctx); err != nil {
		return r, fmt.Errorf("db: unable to commit the copy: %w", err)
	}
	return r, nil
}

// targetSchema is what the copy reads of the target's catalog.
type targetSchema struct {
	order    []string                     // the copied tables, parents first
	columns  map[string]map[string]string // table → column → data_type
	identity map[string]bool              // tables whose id is an identity
	source   map[string][]string          // table → the source's columns, in its order
}

func readTargetSchema(ctx context.Context, tx pgx.Tx) (*targetSchema, error) {
	s := &targetSchema{columns: map[string]map[string]string{}, identity: map[string]bool{}, source: map[string][]string{}}
	rows, err := tx.Query(ctx, `SELECT c.table_name, c.column_name, c.data_type, c.is_identity
		FROM information_schema.columns c
		JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
		WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'`)
	if err != nil {
		return nil, fmt.Errorf("db: unable to read the target's columns: %w", err)
	}
	for rows.Next() {
		var table, column, typ, identity string
		if err := rows.Scan(&table, &column, &typ, &identity); err != nil {
			return nil, fmt.Errorf("db: unable to read the target's columns: %w", err)
		}
		if slices.Contains(copySkipped, table) {
			continue
		}
		if s.columns[table] == nil {
			s.columns[table] = map[string]string{}
		}
		s.columns[table][column] = typ
		if column == "id" && identity == "YES" {
			s.identity[table] = true
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("db: unable to read the target's columns: %w", err)
	}
	parents := map[string][]string{}
	rows, err = tx.Query(ctx, `SELECT child.relname, parent.relname
		FROM pg_constraint k
		JOIN pg_class child ON child.oid = k.conrelid
		JOIN pg_class parent ON parent.oid = k.confrelid
		WHERE k.contype = 'f' AND k.connamespace = current_schema()::regnamespace`)
	if err != nil {
		return nil, fmt.Errorf("db: unable to read the target's foreign keys: %w", err)
	}
	for rows.Next() {
		var child, parent string
		if err := rows.Scan(&child, &parent); err != nil {
			return nil, fmt.Errorf("db: unable to read the target's foreign keys: %w", err)
		}
		if child != parent {
			parents[child] = append(parents[child], parent)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("db: unable to read the target's foreign keys: %w", err)
	}
	s.order, err = parentsFirst(s.columns, parents)
	return s, err
}

// parentsFirst orders tables so that each comes after every table its
// foreign keys name (a table naming itself is copied in one statement, at
// whose end PostgreSQL checks it); ties go by name, so the order is the
// same every time.
func parentsFirst(tables map[string]map[string]string, parents map[string][]string) ([]string, error) {
	var order []string
	done := map[string]bool{}
	for len(order) < len(tables) {
		var ready []string
		for t := range tables {
			if !done[t] && !slices.ContainsFunc(parents[t], func(p string) bool { return !done[p] && tables[p] != nil }) {
				ready = append(ready, t)
			}
		}
		if len(ready) == 0 {
			return nil, fmt.Errorf("db: the target's foreign keys form a cycle")
		}
		slices.Sort(ready)
		for _, t := range ready {
			done[t] = true
		}
		order = append(order, ready...)
	}
	return order, nil
}

// matchSource reads the source's tables and columns and checks that the
// two schemas hold the same tables and that every source column has a
// place in the target: a copy must lose nothing. Both come from the same
// helpdesk's migrations, so a difference is a bug to report, not to work
// around.
func (s *targetSchema) matchSource(ctx context.Context, src *sql.Conn) error {
	rows, err := src.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND name NOT LIKE 'tickets\_fts%' ESCAPE '\'`)
	if err != nil {
		return fmt.Errorf("db: unable to read the source's tables: %w", err)
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return fmt.Errorf("db: unable to read the source's tables: %w", err)
		}
		if !slices.Contains(copySkipped, t) {
			tables = append(tables, t)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("db: unable to read the source's tables: %w", err)
	}
	for _, t := range tables {
		if s.columns[t] == nil {
			return fmt.Errorf("db: the source's table %s has no counterpart in the target", t)
		}
	}
	for t := range s.columns {
		if !slices.Contains(tables, t) {
			return fmt.Errorf("db: the target's table %s has no counterpart in the source", t)
		}
	}
	for _, t := range tables {
		cols, err := sourceColumns(ctx, src, t)
		if err != nil {
			return err
		}
		for _, c := range cols {
			if _, ok := s.columns[t][c]; !ok {
				return fmt.Errorf("db: the source's column %s.%s has no counterpart in the target", t, c)
			}
		}
		s.source[t] = cols
	}
	return nil
}

func sourceColumns(ctx context.Context, src *sql.Conn, table string) ([]string, error) {
	rows, err := src.QueryContext(ctx, `SELECT name FROM pragma_table_info(?) ORDER BY cid`, table)
	if err != nil {
		return nil, fmt.Errorf("db: unable to read the columns of %s: %w", table, err)
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, fmt.Errorf("db: unable to read the columns of %s: %w", table, err)
		}
		cols = append(cols, c)
	}
	return cols, rows.Err()
}

// lockAndCheckEmpty locks the target's tables against writes until the
// copy commits and answers ECONFLICT when any holds a row; the seeded
// tables' rows are deleted instead, for the source's to replace.
func lockAndCheckEmpty(ctx context.Context, tx pgx.Tx, tables []string) error {
	names := make([]string, len(tables))
	for i, t := range tables {
		names[i] = pgx.Identifier{t}.Sanitize()
	}
	if _, err := tx.Exec(ctx, `LOCK TABLE `+strings.Join(names, ", ")+` IN EXCLUSIVE MODE`); err != nil {
		return fmt.Errorf("db: unable to lock the target's tables: %w", err)
	}
	for _, t := range tables {
		if slices.Contains(seededTables, t) {
			continue
		}
		var any bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+pgx.Identifier{t}.Sanitize()+`)`).Scan(&any); err != nil {
			return fmt.Errorf("db: unable to read the target's table %s: %w", t, err)
		}
		if any {
			return Errorf(ECONFLICT, "the target database is not empty (its table %s holds rows): a helpdesk is copied into an empty database only", t)
		}
	}
	// Children first: the aliases name the categories.
	for i := len(seededTables) - 1; i >= 0; i-- {
		if _, err := tx.Exec(ctx, `DELETE FROM `+pgx.Identifier{seededTables[i]}.Sanitize()); err != nil {
			return fmt.Errorf("db: unable to clear the target's default %s: %w", seededTables[i], err)
		}
	}
	return nil
}

// copyTable sends every row of table from the source to the target over
// COPY, the columns cols, and returns how many it sent. types are the
// target's column types, by name.
func copyTable(ctx context.Context, src *sql.Conn, tx pgx.Tx, table string, cols []string, types map[string]string) (int64, error) {
	quoted := make([]string, len(cols))
	rs := &copyRows{table: table, cols: cols, conv: make([]convert, len(cols)), vals: make([]any, len(cols))}
	for i, c := range cols {
		quoted[i] = `"` + c + `"`
		rs.conv[i] = converter(types[c])
	}
	rows, err := src.QueryContext(ctx, `SELECT `+strings.Join(quoted, ", ")+` FROM "`+table+`"`)
	if err != nil {
		return 0, fmt.Errorf("db: unable to read the source's %s: %w", table, err)
	}
	defer rows.Close()
	rs.rows = rows
	n, err := tx.CopyFrom(ctx, pgx.Identifier{table}, cols, rs)
	if err != nil {
		return 0, fmt.Errorf("db: unable to copy %s: %w", table, err)
	}
	return n, nil
}

// copyRows is a source table's rows as pgx's CopyFrom reads them, each
// value converted to its target column's type.
type copyRows struct {
	table string
	cols  []string
	conv  []convert
	rows  *sql.Rows
	vals  []any
	err   error
}

func (c *copyRows) Next() bool {
	if !c.rows.Next() {
		return false
	}
	ptrs := make([]any, len(c.vals))
	for i := range c.vals {
		ptrs[i] = &c.vals[i]
	}
	if err := c.rows.Scan(ptrs...); err != nil {
		c.err = fmt.Errorf("db: unable to read the source's %s: %w", c.table, err)
		return false
	}
	for i, v := range c.vals {
		out, err := c.conv[i](v)
		if err != nil {
			c.err = fmt.Errorf("db: %s.%s: %w", c.table, c.cols[i], err)
			return false
		}
		c.vals[i] = out
	}
	return true
}

func (c *copyRows) Values() ([]any, error) { return c.vals, nil }

func (c *copyRows) Err() error {
	if c.err != nil {
		return c.err
	}
	return c.rows.Err()
}

// convert turns a value SQLite stored into one for a PostgreSQL column.
type convert func(v any) (any, error)

// converter is the conversion into a column of the PostgreSQL type typ
// (information_schema's data_type). SQLite keeps times as text in the
// storedTime form, flags as 0 or 1; NULL stays NULL.
func converter(typ string) convert {
	switch typ {
	case "timestamp with time zone":
		return func(v any) (any, error) {
			var s string
			switch x := v.(type) {
			case nil, time.Time:
				return x, nil
			case string:
				s = x
			case []byte:
				s = string(x)
			default:
				return nil, fmt.Errorf("a %T where a time was expected", v)
			}
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				return nil, fmt.Errorf("bad stored time %q", s)
			}
			return t, nil
		}
	case "boolean":
		return func(v any) (any, error) {
			switch x := v.(type) {
			case nil, bool:
				return x, nil
			case int64:
				return x != 0, nil
			}
			return nil, fmt.Errorf("a %T where a flag (0 or 1) was expected", v)
		}
	case "bytea":
		return func(v any) (any, error) {
			if s, ok := v.(string); ok {
				return []byte(s), nil
			}
			return v, nil
		}
	case "text":
		return func(v any) (any, error) {
			if b, ok := v.([]byte); ok {
				return string(b), nil
			}
			return v, nil
		}
	}
	return func(v any) (any, error) { return v, nil }
}

// moveIdentities moves each identity past the largest id copied, or the
// largest SQLite ever gave where it kept that (sqlite_sequence, for
// AUTOINCREMENT tables: a deleted ticket's id is never given again, as
// its old links must not lead to a new ticket).
func moveIdentities(ctx context.Context, src *sql.Conn, tx pgx.Tx, s *targetSchema) error {
	given := map[string]int64{}
	rows, err := src.QueryContext(ctx, `SELECT name, seq FROM sqlite_sequence`)
	if err != nil {
		return fmt.Errorf("db: unable to read the source's sequences: %w", err)
	}
	for rows.Next() {
		var name string
		var seq int64
		if err := rows.Scan(&name, &seq); err != nil {
			rows.Close()
			return fmt.Errorf("db: unable to read the source's sequences: %w", err)
		}
		given[name] = seq
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("db: unable to read the source's sequences: %w", err)
	}
	for _, t := range s.order {
		if !s.identity[t] {
			continue
		}
		var hi int64
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM `+pgx.Identifier{t}.Sanitize()).Scan(&hi); err != nil {
			return fmt.Errorf("db: unable to read the largest id of %s: %w", t, err)
		}
		hi = max(hi, given[t])
		if hi == 0 {
			continue // nothing copied: the identity starts at 1
		}
		if _, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence($1, 'id'), $2)`, pgx.Identifier{t}.Sanitize(), hi); err != nil {
			return fmt.Errorf("db: unable to move the identity of %s: %w", t, err)
		}
	}
	return nil
}

// verifyCopy checks the target against the source before the copy
// commits: as many rows in every copied table, one search document a
// ticket, and the same tickets per status in ticket_counts (which the
// target's triggers counted as the tickets arrived).
func verifyCopy(ctx context.Context, src *sql.Conn, tx pgx.Tx, tables []TableRows) error {
	for _, t := range tables {
		var want, got int64
		if err := src.QueryRowContext(ctx, `SELECT count(*) FROM "`+t.Name+`"`).Scan(&want); err != nil {
			return fmt.Errorf("db: unable to count the source's %s: %w", t.Name, err)
		}
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM `+pgx.Identifier{t.Name}.Sanitize()).Scan(&got); err != nil {
			return fmt.Errorf("db: unable to count the copy's %s: %w", t.Name, err)
		}
		if got != want || t.Rows != want {
			return fmt.Errorf("db: the copy's %s holds %d rows (%d sent), the source's %d", t.Name, got, t.Rows, want)
		}
	}
	var tickets, documents int64
	if err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM tickets), (SELECT count(*) FROM ticket_search)`).Scan(&tickets, &documents); err != nil {
		return fmt.Errorf("db: unable to count the copy's search documents: %w", err)
	}
	if documents != tickets {
		return fmt.Errorf("db: the copy has %d search documents for %d tickets", documents, tickets)
	}
	// PostgreSQL keeps a row per status and writing session.
	const counts = `SELECT status, CAST(sum(n) AS BIGINT) FROM ticket_counts GROUP BY status HAVING sum(n) <> 0`
	want := map[string]int64{}
	rows, err := src.QueryContext(ctx, counts)
	if err != nil {
		return fmt.Errorf("db: unable to read the source's ticket counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var status string
		var n int64
		if err := rows.Scan(&status, &n); err != nil {
			return fmt.Errorf("db: unable to read the source's ticket counts: %w", err)
		}
		want[status] = n
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("db: unable to read the source's ticket counts: %w", err)
	}
	got := map[string]int64{}
	var status string
	var n int64
	pgRows, err := tx.Query(ctx, counts)
	if err == nil {
		_, err = pgx.ForEachRow(pgRows, []any{&status, &n}, func() error { got[status] = n; return nil })
	}
	if err != nil {
		return fmt.Errorf("db: unable to read the copy's ticket counts: %w", err)
	}
	if !maps.Equal(got, want) {
		return fmt.Errorf("db: the copy counts tickets by status as %v, the source as %v", got, want)
	}
	return nil
}

// StoredFile is an attachment file the helpdesk keeps (not a link to a
// file hosted elsewhere).
type StoredFile struct {
	Name     string // storage name, in the file store
	MimeType string // as detected when it was received
}

// StoredFiles calls each for every stored attachment file, in id order,
// and stops at its first error.
func (d *DB) StoredFiles(ctx context.Context, each func(StoredFile) error) error {
	rows, err := d.read.QueryContext(ctx, `SELECT storage_name, mime_type FROM attachments
		WHERE storage_name IS NOT NULL ORDER BY id`)
	if err != nil {
		return fmt.Errorf("db: unable to list stored files: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var f StoredFile
		if err := rows.Scan(&f.Name, &f.MimeType); err != nil {
			return fmt.Errorf("db: unable to list stored files: %w", err)
		}
		if err := each(f); err != nil {
			return err
		}
	}
	return rows.Err()
}
