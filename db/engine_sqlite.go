package db

import (
	"database/sql"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/kinconecta/helpdesk/db/sqlite"
)

// FileName is the database file inside the data directory.
const FileName = "helpdesk.db"

// pragmas go in the DSN, not in db.Exec, so that every pooled connection gets
// them. synchronous=FULL makes an acknowledged commit survive a power cut;
// wal_autocheckpoint=0 because SQLite's automatic checkpoint stalls whichever
// commit crosses the threshold (see MEASURED.md): the writer checkpoints
// between its batches instead (writer.go), and journal_size_limit trims a
// WAL that grew past it once the checkpoint has rewound it.
var pragmas = []string{
	"journal_mode(wal)",
	"synchronous(full)",
	"foreign_keys(1)",
	"busy_timeout(10000)",
	"wal_autocheckpoint(0)",
	"journal_size_limit(33554432)",
	"temp_store(memory)",
}

// Page caches and the read pool, sized from measurement (README,
// Performance). SQLite's page cache lives outside the Go heap and is most of
// the server's memory: 8 readers × 16 MB came to ~330 MB RSS at 1M tickets;
// 4 readers × 4 MB serve the same read load (a search touches a few index
// pages per row it returns, a list 50 rows). The writer keeps a larger cache:
// every create updates a dozen indexes whose right-hand pages it rewrites.
const (
	readConns     = 4
	readCacheKB   = 4000
	writerCacheKB = 16000
)

func dsn(path string, readOnly bool) string {
	q := url.Values{}
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	cache := writerCacheKB
	if readOnly {
		cache = readCacheKB
	}
	q.Add("_pragma", fmt.Sprintf("cache_size(-%d)", cache))
	q.Set("_txlock", "immediate")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	}
	return "file:" + path + "?" + q.Encode()
}

// Open opens (creating if needed) the embedded database in dataDir,
// applies the migrations and starts the writer.
func Open(dataDir string) (*DB, error) {
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, fmt.Errorf("db: unable to create data directory: %w", err)
	}
	path := filepath.Join(dataDir, FileName)

	d := newDB(sqliteEngine{})
	d.path = path
	// Which watched tables the writer's connection changed since its last
	// batch; atomic because a backup (VACUUM INTO) uses the connection from
	// its own goroutine.
	var changed atomic.Uint32
	wconn := openWatched(dsn(path, false), func(table string) {
		if bit := watchedTables[table]; bit != 0 {
			changed.Or(uint32(bit))
		}
	})
	// The writer owns exactly one connection, for its whole life.
	wconn.SetMaxOpenConns(1)
	wconn.SetMaxIdleConns(1)
	wconn.SetConnMaxLifetime(0)
	if err := migrate(wconn, d.eng, sqlite.Migrations); err != nil {
		wconn.Close()
		return nil, err
	}

	read, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		wconn.Close()
		return nil, fmt.Errorf("db: unable to open read pool: %w", err)
	}
	read.SetMaxOpenConns(readConns)
	read.SetMaxIdleConns(readConns)

	d.read = newReadPool(read, d.eng)
	d.writer = newWriter(wconn, d.eng, func() { d.forgetChanged(uint8(changed.Swap(0))) })
	d.closeEngine = func() {
		_, _ = d.writer.conn.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	}
	d.stopUpkeep = d.startUpkeep()
	return d, nil
}

// sqliteEngine is the embedded engine: one writer connection is the only
// writer there is, so transactions never conflict.
type sqliteEngine struct{}

func (sqliteEngine) bind(query string) string { return query }

// planFresh: SQLite plans with the values it is given, and its FTS5 walk
// has one plan whatever the words.
func (sqliteEngine) planFresh(args []any) []any { return args }

// beginWrite takes the write lock at once (_txlock=immediate in the DSN).
func (sqliteEngine) beginWrite(conn *sql.DB) (*sql.Tx, error) { return conn.Begin() }

// beforeCommit brings the full-text index up to date with the
// transaction's changes. It costs one indexed read when nothing changed,
// and writes nothing then.
func (sqliteEngine) beforeCommit(tx *Tx) error {
	var any bool
	if err := tx.QueryRow(sqlite.FTSPendingAny).Scan(&any); err != nil {
		return fmt.Errorf("db: unable to read the full-text queue: %w", err)
	}
	if !any {
		return nil
	}
	if _, err := tx.Exec(sqlite.FTSReindex); err != nil {
		return fmt.Errorf("db: unable to index for full-text search: %w", err)
	}
	if _, err := tx.Exec(sqlite.FTSPendingClear); err != nil {
		return fmt.Errorf("db: unable to clear the full-text queue: %w", err)
	}
	return nil
}

// maintain copies the WAL back into the database file. PASSIVE never
// waits for readers; between batches there is no write to race, so it
// copies everything no reader still needs, and the next commit rewinds the
// WAL (journal_size_limit then trims the file).
func (sqliteEngine) maintain(conn *sql.DB) {
	if _, err := conn.Exec("PRAGMA wal_checkpoint(PASSIVE)"); err != nil {
		slog.Warn("db: checkpoint failed", "err", err)
	}
}

func (sqliteEngine) retryable(error) bool { return false }

func (sqliteEngine) upkeep(*Tx) error { return nil }

func (sqliteEngine) nextTicketID(tx *Tx) (int64, error) {
	var id int64
	if err := tx.QueryRow(sqlite.NextTicketID).Scan(&id); err != nil {
		return 0, fmt.Errorf("db: unable to read the next ticket id: %w", err)
	}
	return id, nil
}

func (sqliteEngine) forUpdateSkipLocked() string { return "" }

// day: times are stored as fixed-width UTC text (time.go).
func (sqliteEngine) day(col string) string { return "substr(" + col + ", 1, 10)" }

func (sqliteEngine) listColumns() string { return sqliteListColumns }

var sqliteSearch = &searchSQL{
	From: sqlite.SearchFrom, FromStatus: sqlite.SearchFromStatus, CountFrom: sqlite.SearchCountFrom,
	Match: sqlite.SearchMatch, ID: sqlite.SearchID, Snippets: sqlite.SearchSnippets,
	Query: ftsQuery,
}

func (sqliteEngine) search() *searchSQL { return sqliteSearch }

// ftsQuery turns what a person typed into an FTS5 query that cannot be a
// syntax error: each word quoted, all words required, the last a prefix
// when prefix is set.
func ftsQuery(q string, prefix bool) string {
	words := searchWords(q)
	for i, w := range words {
		words[i] = `"` + w + `"`
	}
	if prefix && len(words) > 0 {
		words[len(words)-1] += "*"
	}
	return strings.Join(words, " ")
}
