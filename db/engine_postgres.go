package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/jackc/pgxlisten"

	"github.com/kinconecta/helpdesk/db/postgres"
)

// pgReadConns bounds the read pool on PostgreSQL: each connection is a
// server process, and the server's max_connections is shared by every
// helpdesk process (the default 100 holds a dozen of them).
const pgReadConns = 6

// defaultConnectTimeout bounds a connection attempt when the URL names no
// connect_timeout.
const defaultConnectTimeout = 10 * time.Second

// OpenPostgres opens the helpdesk database at url (postgres://…, or
// key=value form; CONTRACT §9), applies its migrations, starts the writer
// and listens for the changes other processes make. Any number of
// processes may open one database.
func OpenPostgres(url string) (*DB, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		// pgx's message never repeats the password.
		return nil, fmt.Errorf("db: bad database URL: %w", err)
	}
	if cfg.ConnectTimeout == 0 {
		// pgx waits for ever by default: a server that accepts and never
		// answers would hang the start (and every reconnect) unseen.
		cfg.ConnectTimeout = defaultConnectTimeout
	}
	eng := &postgresEngine{}
	d := newDB(eng)

	wconn := stdlib.OpenDB(*cfg)
	wconn.SetMaxOpenConns(1)
	wconn.SetMaxIdleConns(1)
	if err := migratePostgres(wconn, eng); err != nil {
		wconn.Close()
		return nil, err
	}
	read := stdlib.OpenDB(*cfg)
	read.SetMaxOpenConns(pgReadConns)
	read.SetMaxIdleConns(pgReadConns)
	read.SetConnMaxIdleTime(5 * time.Minute)

	d.read = newReadPool(read, eng)
	d.writer = newWriter(wconn, eng, func() { d.forgetChanged(uint8(eng.changed.Swap(0))) })

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		d.listen(ctx, cfg)
	}()
	d.closeEngine = func() {
		cancel()
		wg.Wait()
	}
	d.stopUpkeep = d.startUpkeep()
	return d, nil
}

func migratePostgres(conn *sql.DB, eng engine) error {
	ctx := context.Background()
	if err := conn.PingContext(ctx); err != nil {
		return fmt.Errorf("db: unable to reach PostgreSQL: %w", err)
	}
	// The writer's pool has one connection, so the session lock and the
	// migrations share it.
	if _, err := conn.ExecContext(ctx, postgres.MigrationLock); err != nil {
		return fmt.Errorf("db: unable to lock for migrations: %w", err)
	}
	defer conn.ExecContext(ctx, postgres.MigrationUnlock)
	return migrate(conn, eng, postgres.Migrations)
}

// listen follows the other processes' changes until ctx ends: a
// notification queued by any of them wakes this one's delivery worker, and
// a changed API key, user or category forgets this one's cached lookups.
// After a lost connection it forgets every lookup and wakes the worker, as
// notifications sent meanwhile were missed.
func (d *DB) listen(ctx context.Context, cfg *pgx.ConnConfig) {
	l := &pgxlisten.Listener{
		Connect: func(ctx context.Context) (*pgx.Conn, error) { return pgx.ConnectConfig(ctx, cfg) },
		LogError: func(ctx context.Context, err error) {
			if ctx.Err() == nil { // not the Close that ends it
				slog.Warn("db: listening for changes", "err", err)
			}
		},
		ReconnectDelay: 2 * time.Second,
	}
	l.Handle(postgres.ChannelOutbox, backlogHandler{
		notify:  func(string) { d.signalOutbox() },
		backlog: d.signalOutbox,
	})
	l.Handle(postgres.ChannelChanged, backlogHandler{
		notify:  func(table string) { d.forgetChanged(watchedTables[table]) },
		backlog: func() { d.forgetChanged(changedAuth | changedCategories) },
	})
	if err := l.Listen(ctx); err != nil && ctx.Err() == nil {
		slog.Error("db: stopped listening for changes", "err", err)
	}
}

// backlogHandler handles a channel's notifications and, at each
// (re)connection, whatever may have been missed before it.
type backlogHandler struct {
	notify  func(payload string)
	backlog func()
}

func (h backlogHandler) HandleNotification(_ context.Context, n *pgconn.Notification, _ *pgx.Conn) error {
	h.notify(n.Payload)
	return nil
}

func (h backlogHandler) HandleBacklog(context.Context, string, *pgx.Conn) error {
	h.backlog()
	return nil
}

// postgresEngine runs on PostgreSQL, where every process has a writer and
// their transactions may overlap: each runs SERIALIZABLE, so a rule the
// store checks by reading before it writes (a limit, a uniqueness, the
// status workflow) holds as on the embedded engine, and a transaction that
// loses a conflict runs again (writer.go).
type postgresEngine struct {
	changed atomic.Uint32 // watched tables the last batch changed (writer_watch.go)
}

func (*postgresEngine) bind(query string) string { return bindDollar(query) }

// planFresh runs the query as an unnamed statement, planned with its own
// arguments: a search's best plan depends on how common its words are (a
// cached generic plan walked every id for a rare word: 1 s at 1M tickets).
// Only searches: planning every read cost a get by id three times its
// CPU.
func (*postgresEngine) planFresh(args []any) []any {
	return append([]any{pgx.QueryExecModeExec}, args...)
}

func (*postgresEngine) beginWrite(conn *sql.DB) (*sql.Tx, error) {
	return conn.BeginTx(context.Background(), &sql.TxOptions{Isolation: sql.LevelSerializable})
}

// beforeCommit notes which cached tables the transaction changed, so this
// process forgets their lookups before its writers hear back; the others
// hear of it through NOTIFY once it commits.
func (e *postgresEngine) beforeCommit(tx *Tx) error {
	var tables string
	if err := tx.QueryRow(postgres.ChangedTables).Scan(&tables); err != nil {
		return fmt.Errorf("db: unable to read the changed tables: %w", err)
	}
	for _, t := range strings.Split(tables, ",") {
		e.changed.Or(uint32(watchedTables[t]))
	}
	return nil
}

func (*postgresEngine) maintain(*sql.DB) {}

// upkeep folds the ticket counts of ended sessions (postgres.FoldTicketCounts).
func (*postgresEngine) upkeep(tx *Tx) error {
	if _, err := tx.Exec(postgres.FoldTicketCounts); err != nil {
		return fmt.Errorf("db: unable to fold ticket counts: %w", err)
	}
	return nil
}

// retryable: serialization_failure and deadlock_detected (SQLSTATE 40001,
// 40P01) fail a transaction only because of another's timing.
func (*postgresEngine) retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

func (*postgresEngine) nextTicketID(tx *Tx) (int64, error) {
	var id int64
	if err := tx.QueryRow(postgres.NextTicketID).Scan(&id); err != nil {
		return 0, fmt.Errorf("db: unable to take the next ticket id: %w", err)
	}
	return id, nil
}

func (*postgresEngine) forUpdateSkipLocked() string { return " FOR UPDATE SKIP LOCKED" }

func (*postgresEngine) day(col string) string {
	return "to_char(" + col + " AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
}

// listColumns selects the enumerated columns as their text: pgx reads
// them without the copies SQLite's driver makes (sqliteListColumns), and
// a CASE mixing integers and text is no type PostgreSQL accepts.
func (*postgresEngine) listColumns() string { return postgresListColumns }

const postgresListColumns = `t.id, t.role_context, t.full_name, t.email, t.subject, t.category_id,
	t.message, t.status, t.priority, t.assignee_id, t.language, t.created_at, t.updated_at,
	t.awaiting, t.last_message_at, t.merged_into`

var postgresSearch = &searchSQL{
	From: postgres.SearchFrom, FromStatus: postgres.SearchFrom, CountFrom: postgres.SearchCountFrom,
	ID: postgres.SearchID, Snippets: postgres.SearchSnippets,
	Query: tsQuery,
}

func (*postgresEngine) search() *searchSQL { return postgresSearch }

// tsQuery turns what a person typed into a to_tsquery text that cannot be
// a syntax error: each word a quoted lexeme (words hold only letters and
// digits), all required, the last a prefix when prefix is set.
func tsQuery(q string, prefix bool) string {
	words := searchWords(q)
	for i, w := range words {
		words[i] = "'" + w + "'"
	}
	if prefix && len(words) > 0 {
		words[len(words)-1] += ":*"
	}
	return strings.Join(words, " & ")
}
