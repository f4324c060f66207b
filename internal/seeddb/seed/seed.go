// Package seed fills a helpdesk database with generated tickets that look
// like real ones: requesters of every role writing in English or Spanish
// about every category, in every status, spread over the last 90 days, with
// their history, some agent replies and some attached file references. It
// is for trying the desk at scale and for the benchmarks.
package seed

import (
	"crypto/rand"
	"database/sql"
	"fmt"
	mrand "math/rand/v2"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/kinconecta/helpdesk/db"
)

// batchSize is how many tickets share one transaction: large, because each
// commit writes every page it touched to the WAL, and the indexes in random
// order (token hash, email) touch most of their pages in every batch.
const batchSize = 800 * bulkRows

// span is how far back the generated tickets go.
const span = 90 * 24 * time.Hour

// Generate adds n generated tickets to the database in dataDir, creating the
// database (schema and all) first if there is none. The database must not
// be taking writes from anyone else meanwhile; readers are fine.
func Generate(dataDir string, n int) error {
	return GenerateAt(dataDir, n, time.Now())
}

// GenerateAt is Generate with the clock fixed: the tickets are dated over
// the 90 days before now. The text is the same on every run (a fixed random
// seed), so benchmarks that search it find the same matches each time.
func GenerateAt(dataDir string, n int, now time.Time) error {
	if n < 0 {
		return fmt.Errorf("seed: n must not be negative, got %d", n)
	}
	// db.Open applies the migrations, so the schema, its indexes and the
	// full-text triggers are exactly the product's.
	store, err := db.Open(dataDir)
	if err != nil {
		return err
	}
	if err := store.Close(); err != nil {
		return fmt.Errorf("seed: unable to close after migrating: %w", err)
	}

	conn, err := sql.Open("sqlite", loadDSN(filepath.Join(dataDir, db.FileName)))
	if err != nil {
		return fmt.Errorf("seed: unable to open: %w", err)
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)

	g, err := newGenerator(conn, now.UTC())
	if err != nil {
		return err
	}
	stop := make(chan struct{})
	defer close(stop)
	chunks := g.produce(n, stop)
	for done := 0; done < n; done += batchSize {
		if err := g.batch(chunks, done, min(batchSize, n-done)); err != nil {
			return err
		}
	}
	// Leave the WAL empty, as a server that shut down cleanly would.
	if _, err := conn.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		return fmt.Errorf("seed: unable to checkpoint: %w", err)
	}
	return nil
}

// loadDSN is the bulk loader's connection. synchronous=OFF because a
// generator interrupted by a power cut is simply run again, and a large
// page cache keeps the indexes of a million tickets in memory while
// loading. Foreign keys are off: checking them makes SQLite keep a
// statement journal for every multi-row INSERT (a fifth of the loading
// time), and the generator assigns every reference itself (its test runs
// PRAGMA foreign_key_check).
func loadDSN(path string) string {
	q := url.Values{}
	for _, p := range []string{"journal_mode(wal)", "synchronous(off)", "foreign_keys(0)",
		"busy_timeout(10000)", "cache_size(-262144)", "temp_store(memory)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// category is an active category the generator files tickets under.
type category struct {
	id   int64
	name string
}

type generator struct {
	conn       *sql.DB
	now, start time.Time
	rnd        *mrand.Rand
	categories []category
	firstID    int64
	// ftsTriggers recreate the full-text insert triggers, by name.
	ftsTriggers map[string]string
}

// ftsInsertTriggers queue inserted tickets and messages for the full-text
// index (db/migrations/009_conversation_search.sql).
var ftsInsertTriggers = []string{"tickets_fts_insert", "tickets_fts_message_insert"}

func newGenerator(conn *sql.DB, now time.Time) (*generator, error) {
	g := &generator{conn: conn, now: now, start: now.Add(-span)}
	rows, err := conn.Query(`SELECT id, name FROM categories WHERE retired_at IS NULL ORDER BY position, id`)
	if err != nil {
		return nil, fmt.Errorf("seed: unable to list categories: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c category
		if err := rows.Scan(&c.id, &c.name); err != nil {
			return nil, fmt.Errorf("seed: unable to scan category: %w", err)
		}
		g.categories = append(g.categories, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("seed: unable to list categories: %w", err)
	}
	if len(g.categories) == 0 {
		return nil, fmt.Errorf("seed: there is no active category to file tickets under")
	}
	// Ids follow creation time; new tickets go after any already there.
	if err := conn.QueryRow(`SELECT max(coalesce((SELECT max(id) FROM tickets), 0),
		coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'tickets'), 0))`).Scan(&g.firstID); err != nil {
		return nil, fmt.Errorf("seed: unable to read the last ticket id: %w", err)
	}
	g.firstID++
	// The triggers are put back exactly as the migration wrote them.
	g.ftsTriggers = map[string]string{}
	for _, name := range ftsInsertTriggers {
		var sql string
		if err := conn.QueryRow(`SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?`,
			name).Scan(&sql); err != nil {
			return nil, fmt.Errorf("seed: unable to read the full-text trigger %s: %w", name, err)
		}
		g.ftsTriggers[name] = sql
	}
	// A fixed seed makes the text reproducible; mixing in the first id keeps
	// a second run on the same database from repeating the first.
	g.rnd = mrand.New(mrand.NewPCG(0x6b696e636f6e6563, uint64(g.firstID)))
	return g, nil
}

// produce generates tickets [0, n) of the run on its own goroutine, in
// chunks of bulkRows, so composing them overlaps with SQLite's work on the
// other core. It stops early when stop is closed.
func (g *generator) produce(n int, stop <-chan struct{}) <-chan []ticket {
	out := make(chan []ticket, 16)
	go func() {
		defer close(out)
		for from := 0; from < n; from += bulkRows {
			chunk := make([]ticket, min(bulkRows, n-from))
			// Access tokens are never handed out for generated tickets, so
			// their hashes are random bytes no token hashes to: nobody can
			// use them.
			hashes := make([]byte, 32*len(chunk))
			rand.Read(hashes)
			for i := range chunk {
				chunk[i] = g.ticket(from+i, n)
				chunk[i].tokenHash = hashes[32*i : 32*(i+1)]
			}
			select {
			case out <- chunk:
			case <-stop:
				return
			}
		}
	}()
	return out
}

// batch writes the count tickets from the from-th on, taken from chunks,
// in one transaction.
func (g *generator) batch(chunks <-chan []ticket, from, count int) error {
	tx, err := g.conn.Begin()
	if err != nil {
		return fmt.Errorf("seed: unable to begin: %w", err)
	}
	defer tx.Rollback()
	ins, err := prepareInserts(tx)
	if err != nil {
		return err
	}
	defer ins.close()
	// The triggers that queue new tickets and messages for the full-text
	// index are dropped for the batch, which is indexed in one statement
	// instead (the queue would only hold every row of the batch); both
	// happen in this transaction, so other connections never see the
	// tables without their triggers.
	for _, name := range ftsInsertTriggers {
		if _, err := tx.Exec(`DROP TRIGGER ` + name); err != nil {
			return fmt.Errorf("seed: unable to drop the full-text trigger %s: %w", name, err)
		}
	}
	for left := count; left > 0; {
		chunk, ok := <-chunks
		if !ok {
			return fmt.Errorf("seed: the generator stopped %d tickets short", left)
		}
		for _, t := range chunk {
			ins.add(t)
		}
		if err := ins.flush(); err != nil {
			return err
		}
		left -= len(chunk)
	}
	if _, err := tx.Exec(`INSERT INTO tickets_fts (rowid, subject, message, full_name, email, conversation)
		SELECT id, subject, message, full_name, email, conversation FROM tickets_fts_source WHERE id >= ?`,
		g.firstID+int64(from)); err != nil {
		return fmt.Errorf("seed: unable to index the batch: %w", err)
	}
	for _, name := range ftsInsertTriggers {
		if _, err := tx.Exec(g.ftsTriggers[name]); err != nil {
			return fmt.Errorf("seed: unable to restore the full-text trigger %s: %w", name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("seed: unable to commit: %w", err)
	}
	return nil
}

// ticket is one generated ticket with what happened to it.
type ticket struct {
	id                   int64
	role, name, email    string
	subject, message     string
	categoryID           int64
	status, priority     string
	lang                 string
	created, updated     time.Time
	reply                string // an agent's public reply, when one was sent
	attachment, mimeType string // a hosted file reference, when there is one
	tokenHash            []byte // the hash of an access token nobody holds
}

// ticket generates the i-th of total tickets. Creation times are spread
// evenly over the span, each in its own slot, so ids grow with time.
func (g *generator) ticket(i, total int) ticket {
	r := g.rnd
	slot := float64(span) / float64(total)
	created := g.start.Add(time.Duration((float64(i) + r.Float64()) * slot)).Truncate(time.Microsecond)
	t := ticket{id: g.firstID + int64(i), created: created, lang: "en"}
	if r.IntN(100) < 45 {
		t.lang = "es"
	}
	t.role = string(pick(r, []db.Role{db.RoleTourist, db.RoleTourist, db.RoleTourist, db.RoleGuide, db.RoleGuest}))
	if t.role == string(db.RoleGuide) && r.IntN(2) == 0 {
		t.categoryID = g.categoryNamed("Guide Verification")
	}
	if t.categoryID == 0 {
		c := pick(r, g.categories)
		t.categoryID = c.id
	}
	t.name, t.email = person(r)
	t.subject, t.message = compose(r, g.categoryName(t.categoryID), t.lang)
	t.status = statusFor(r, g.now.Sub(created))
	t.priority = string(pick(r, []db.Priority{"low", "normal", "normal", "normal", "high", "urgent"}))
	t.updated = created
	switch t.status {
	case "in_progress", "resolved", "closed":
		t.updated = created.Add(time.Duration(r.Int64N(int64(72 * time.Hour))))
		t.reply = pick(r, replies[t.lang])
	case "open":
		if r.IntN(3) == 0 {
			t.updated = created.Add(time.Duration(r.Int64N(int64(6 * time.Hour))))
		}
	}
	if t.updated.After(g.now) {
		t.updated = g.now
	}
	if r.IntN(20) == 0 {
		t.attachment, t.mimeType = fileRef(r)
	}
	return t
}

func (g *generator) categoryNamed(name string) int64 {
	for _, c := range g.categories {
		if c.name == name {
			return c.id
		}
	}
	return 0
}

// categoryName is the vocabulary a category's tickets are written in;
// categories an admin added use the "Other" words.
func (g *generator) categoryName(id int64) string {
	for _, c := range g.categories {
		if c.id == id {
			if _, ok := topics[c.name]; ok {
				return c.name
			}
		}
	}
	return "Other"
}

// statusFor picks a status that fits a ticket's age: recent tickets are
// mostly waiting, old ones mostly closed.
func statusFor(r *mrand.Rand, age time.Duration) string {
	// Weights for created, open, in_progress, resolved, closed.
	w := [5]int{2, 5, 3, 20, 70}
	switch {
	case age < 3*24*time.Hour:
		w = [5]int{20, 45, 25, 8, 2}
	case age < 14*24*time.Hour:
		w = [5]int{5, 20, 20, 30, 25}
	}
	n := r.IntN(100)
	for i, wi := range w {
		if n < wi {
			return string(db.Statuses[i])
		}
		n -= wi
	}
	return string(db.StatusClosed)
}

// fileRef is a file hosted elsewhere, as Kinconecta's clients send them.
func fileRef(r *mrand.Rand) (fileURL, mimeType string) {
	kinds := []struct{ ext, mime string }{{"jpg", "image/jpeg"}, {"png", "image/png"}, {"pdf", "application/pdf"}}
	k := pick(r, kinds)
	return "https://files.example.com/uploads/" + strconv.FormatUint(r.Uint64(), 36) + "." + k.ext, k.mime
}

// bulkRows is how many rows one INSERT statement carries: a statement's
// fixed cost (binding, stepping, resetting) is paid once for all of them.
const bulkRows = 64

// bulk inserts rows into one table, bulkRows to a statement.
type bulk struct {
	tx   *sql.Tx
	head string // INSERT INTO ... VALUES
	row  string // one row's placeholders, e.g. (?, ?, ?)
	cols int
	args []any
	full *sql.Stmt // prepared for bulkRows rows
}

func newBulk(tx *sql.Tx, head, row string) (*bulk, error) {
	b := &bulk{tx: tx, head: head, row: row, cols: strings.Count(row, "?")}
	st, err := tx.Prepare(b.statement(bulkRows))
	if err != nil {
		return nil, fmt.Errorf("seed: unable to prepare: %w", err)
	}
	b.full = st
	return b, nil
}

func (b *bulk) statement(rows int) string {
	return b.head + strings.TrimSuffix(strings.Repeat(b.row+",", rows), ",")
}

// add queues one row.
func (b *bulk) add(args ...any) { b.args = append(b.args, args...) }

// flush writes the queued rows.
func (b *bulk) flush() error {
	defer func() { b.args = b.args[:0] }()
	for len(b.args) > 0 {
		n := min(len(b.args)/b.cols, bulkRows)
		var err error
		if n == bulkRows {
			_, err = b.full.Exec(b.args[:n*b.cols]...)
		} else {
			_, err = b.tx.Exec(b.statement(n), b.args[:n*b.cols]...)
		}
		if err != nil {
			return fmt.Errorf("seed: unable to insert: %w", err)
		}
		b.args = b.args[n*b.cols:]
	}
	return nil
}

func (b *bulk) close() { b.full.Close() }

// inserts are the bulk inserts of one transaction, one per table. They
// are INSERT OR FAIL: a failing row need not undo the rows before it in
// the same statement, so SQLite keeps no statement journal for them.
type inserts struct {
	ticket, event, message, attachment *bulk
}

func prepareInserts(tx *sql.Tx) (*inserts, error) {
	ins := &inserts{}
	for _, s := range []struct {
		bulk      **bulk
		head, row string
	}{
		{&ins.ticket, `INSERT OR FAIL INTO tickets (id, role_context, full_name, email, subject, category_id, message,
			status, priority, language, access_token_hash, created_at, updated_at, awaiting, last_message_at) VALUES `,
			`(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&ins.event, `INSERT OR FAIL INTO ticket_events (ticket_id, actor_type, actor_name, field, from_value, to_value, created_at) VALUES `,
			`(?, ?, ?, 'status', nullif(?, ''), ?, ?)`},
		{&ins.message, `INSERT OR FAIL INTO messages (ticket_id, author_type, author_name, body, internal, created_at) VALUES `,
			`(?, 'agent', ?, ?, 0, ?)`},
		{&ins.attachment, `INSERT OR FAIL INTO attachments (ticket_id, file_name, mime_type, file_size, external_url, uploaded_at) VALUES `,
			`(?, ?, ?, ?, ?, ?)`},
	} {
		b, err := newBulk(tx, s.head, s.row)
		if err != nil {
			ins.close()
			return nil, err
		}
		*s.bulk = b
	}
	return ins, nil
}

func (ins *inserts) all() []*bulk {
	return []*bulk{ins.ticket, ins.event, ins.message, ins.attachment}
}

// flush writes every queued row, tickets first: foreign keys are checked
// at the end of each statement, and the other rows name their ticket.
func (ins *inserts) flush() error {
	for _, b := range ins.all() {
		if err := b.flush(); err != nil {
			return err
		}
	}
	return nil
}

func (ins *inserts) close() {
	for _, b := range ins.all() {
		if b != nil {
			b.close()
		}
	}
}

// agentName signs the generated replies and status changes.
const agentName = "Soporte Kinconecta"

// add queues a ticket with its history, reply and file reference.
func (ins *inserts) add(t ticket) {
	created, updated := db.Time{Time: t.created}, db.Time{Time: t.updated}
	// Who the conversation waits on, as the store keeps it: the generated
	// reply is the agent's, so a replied ticket waits on its requester.
	awaiting, lastMessage := any(db.AwaitingAgent), created
	if t.reply != "" {
		awaiting, lastMessage = db.AwaitingRequester, updated
	}
	if t.status == "closed" {
		awaiting = nil
	}
	ins.ticket.add(t.id, t.role, t.name, t.email, t.subject, t.categoryID, t.message,
		t.status, t.priority, t.lang, t.tokenHash, created, updated, awaiting, lastMessage)
	first := t.status
	if first != "created" {
		first = "open"
	}
	ins.event.add(t.id, "requester", t.name, "", first, created)
	if t.status != first {
		ins.event.add(t.id, "agent", agentName, first, t.status, updated)
	}
	if t.reply != "" {
		ins.message.add(t.id, agentName, t.reply, updated)
	}
	if t.attachment != "" {
		name := "document" + filepath.Ext(t.attachment)
		ins.attachment.add(t.id, name, t.mimeType, 20_000+t.id%2_000_000, t.attachment, created)
	}
}
