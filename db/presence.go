package db

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Presence on the agent workspace ("Lucía is replying") lives here rather
// than in a process's memory, so that two agents on one ticket see each
// other whichever helpdesk process their browsers reach (issue 12). Each
// open ticket page is a watch row, kept alive by its process
// (PresenceRefresh) and gone PresenceTTL after its process stopped
// keeping it. Every change to a ticket's watches raises the ticket's
// presence version; each process polls the versions of the tickets it
// streams (PresenceVersions) and reads a ticket's watches afresh only when
// its version, or its newest message, moved.

// PresenceTTL is how long a watch lives without its process refreshing it:
// a process that died takes its pages off the line within this.
const PresenceTTL = 30 * time.Second

// Bounds of a watch's names: the key is the stream's random id, the tab
// the id its page gave it (handlers/desk keeps it to 40 letters, digits,
// '-' and '_').
const (
	maxPresenceKeyLen = 64
	MaxPresenceTabLen = 40
)

// presenceTicketsKept is how long a ticket's version row outlives its
// last change once nobody watches the ticket.
const presenceTicketsKept = time.Hour

// presenceSweep bounds the tickets whose expired watches one refresh
// deletes.
const presenceSweep = 100

// PresenceJoin is a watch to open.
type PresenceJoin struct {
	Key       string // the stream's random id, unique
	TicketID  int64
	AgentID   int64 // an account's id, or an API key's id negated
	AgentName string
	Tab       string // the page's id for its stream; "" for none
}

// PresenceWatcher is one live watch of a ticket.
type PresenceWatcher struct {
	Key       string
	AgentID   int64
	AgentName string
	Replying  bool
}

// PresenceTicket is what the workspace shows of a ticket: its live
// watches, oldest first, and the newest public message not written by the
// viewer (0: none).
type PresenceTicket struct {
	Watchers []PresenceWatcher
	Newest   int64
}

// PresenceVersion is what a process compares between polls: the ticket's
// presence version (0: no row) and its newest message id of any kind.
type PresenceVersion struct {
	Version int64
	Message int64
}

// PresenceJoin opens watch j, unless j's agent already has max live
// watches (ERATELIMITED). version is the ticket's presence version after
// the join. EINVALID for a key or tab out of bounds.
func (d *DB) PresenceJoin(ctx context.Context, j PresenceJoin, max int) (version int64, err error) {
	if j.Key == "" || len(j.Key) > maxPresenceKeyLen || len(j.Tab) > MaxPresenceTabLen || j.TicketID <= 0 {
		return 0, Errorf(EINVALID, "db: bad presence watch %q (tab %q) of ticket %d", j.Key, j.Tab, j.TicketID)
	}
	if len(j.AgentName) > 4*MaxNameLen {
		j.AgentName = j.AgentName[:4*MaxNameLen]
	}
	err = d.write(ctx, func(tx *Tx) error {
		version = 0
		now := d.now()
		var open int
		if err := tx.QueryRow(`SELECT COUNT(*) FROM presence_watches WHERE agent_id = ? AND expires_at > ?`,
			j.AgentID, Time{now}).Scan(&open); err != nil {
			return fmt.Errorf("db: unable to count open watches: %w", err)
		}
		if open >= max {
			return Errorf(ERATELIMITED, "too many open ticket pages")
		}
		if _, err := tx.Exec(`INSERT INTO presence_watches (watch_key, ticket_id, agent_id, agent_name, tab, expires_at)
			VALUES (?, ?, ?, ?, ?, ?)`,
			j.Key, j.TicketID, j.AgentID, j.AgentName, j.Tab, Time{now.Add(PresenceTTL)}); err != nil {
			return fmt.Errorf("db: unable to open a watch: %w", err)
		}
		var err error
		version, err = bumpPresence(tx, j.TicketID, now)
		return err
	})
	return version, err
}

// PresenceLeave ends the watch key, if it is still there. version is its
// ticket's presence version after it (0: the watch was already gone).
func (d *DB) PresenceLeave(ctx context.Context, key string) (ticketID, version int64, err error) {
	err = d.write(ctx, func(tx *Tx) error {
		ticketID, version = 0, 0
		rows, err := tx.Query(`DELETE FROM presence_watches WHERE watch_key = ? RETURNING ticket_id`, key)
		if err != nil {
			return fmt.Errorf("db: unable to end a watch: %w", err)
		}
		for rows.Next() {
			if err := rows.Scan(&ticketID); err != nil {
				rows.Close()
				return err
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if ticketID == 0 {
			return nil
		}
		version, err = bumpPresence(tx, ticketID, d.now())
		return err
	})
	return ticketID, version, err
}

// PresenceLeaveTab ends agent's watches of ticket opened by the page tab
// (its leave beacon may reach any process). Another agent's watches are
// never touched. version is the ticket's presence version after it (0:
// there was none). EINVALID for an empty or overlong tab.
func (d *DB) PresenceLeaveTab(ctx context.Context, ticketID, agentID int64, tab string) (version int64, err error) {
	if tab == "" || len(tab) > MaxPresenceTabLen {
		return 0, Errorf(EINVALID, "tab must be the id the page gave its stream")
	}
	err = d.write(ctx, func(tx *Tx) error {
		version = 0
		res, err := tx.Exec(`DELETE FROM presence_watches WHERE ticket_id = ? AND agent_id = ? AND tab = ?`, ticketID, agentID, tab)
		if err != nil {
			return fmt.Errorf("db: unable to end a page's watch: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		version, err = bumpPresence(tx, ticketID, d.now())
		return err
	})
	return version, err
}

// PresenceTyping marks agent replying on ticket for the next replyingFor
// (replying), or back to viewing, in each of their live watches of it.
// version is the ticket's presence version after it (0: agent has no
// watch of it).
func (d *DB) PresenceTyping(ctx context.Context, ticketID, agentID int64, replyingFor time.Duration) (version int64, err error) {
	err = d.write(ctx, func(tx *Tx) error {
		version = 0
		now := d.now()
		var until any // NULL: viewing
		if replyingFor > 0 {
			until = Time{now.Add(replyingFor)}
		}
		res, err := tx.Exec(`UPDATE presence_watches SET replying_until = ?
			WHERE ticket_id = ? AND agent_id = ? AND expires_at > ?`, until, ticketID, agentID, Time{now})
		if err != nil {
			return fmt.Errorf("db: unable to mark typing: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		version, err = bumpPresence(tx, ticketID, now)
		return err
	})
	return version, err
}

// PresenceRefresh keeps the watches keys alive for another PresenceTTL
// (one process's open streams, every few seconds), and deletes the
// expired watches of up to presenceSweep tickets, raising their versions
// so that their watchers see the dead pages go, and the version rows of
// tickets nobody has watched for presenceTicketsKept. One transaction.
func (d *DB) PresenceRefresh(ctx context.Context, keys []string) error {
	return d.write(ctx, func(tx *Tx) error {
		now := d.now()
		for _, k := range keys {
			if _, err := tx.Exec(`UPDATE presence_watches SET expires_at = ? WHERE watch_key = ?`,
				Time{now.Add(PresenceTTL)}, k); err != nil {
				return fmt.Errorf("db: unable to refresh a watch: %w", err)
			}
		}
		rows, err := tx.Query(`SELECT DISTINCT ticket_id FROM presence_watches WHERE expires_at <= ? LIMIT ?`,
			Time{now}, presenceSweep)
		if err != nil {
			return fmt.Errorf("db: unable to find expired watches: %w", err)
		}
		var expired []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			expired = append(expired, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range expired {
			if _, err := tx.Exec(`DELETE FROM presence_watches WHERE ticket_id = ? AND expires_at <= ?`, id, Time{now}); err != nil {
				return fmt.Errorf("db: unable to delete expired watches: %w", err)
			}
			if _, err := bumpPresence(tx, id, now); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(`DELETE FROM presence_tickets WHERE changed_at < ?
			AND NOT EXISTS (SELECT 1 FROM presence_watches w WHERE w.ticket_id = presence_tickets.ticket_id)`,
			Time{now.Add(-presenceTicketsKept)}); err != nil {
			return fmt.Errorf("db: unable to delete old presence versions: %w", err)
		}
		return nil
	})
}

// bumpPresence raises ticket's presence version and returns it.
func bumpPresence(tx *Tx, ticketID int64, now time.Time) (int64, error) {
	var v int64
	err := tx.QueryRow(`INSERT INTO presence_tickets (ticket_id, version, changed_at) VALUES (?, 1, ?)
		ON CONFLICT (ticket_id) DO UPDATE SET version = presence_tickets.version + 1, changed_at = excluded.changed_at
		RETURNING version`, ticketID, Time{now}).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("db: unable to raise a presence version: %w", err)
	}
	return v, nil
}

// PresenceOf is ticket's live watches and its newest public message not
// written by viewer (an agent's id as in PresenceJoin; 0 for none).
func (d *DB) PresenceOf(ctx context.Context, ticketID, viewer int64) (PresenceTicket, error) {
	var p PresenceTicket
	now := d.now()
	rows, err := d.read.QueryContext(ctx, `SELECT watch_key, agent_id, agent_name, replying_until
		FROM presence_watches WHERE ticket_id = ? AND expires_at > ? ORDER BY id`, ticketID, Time{now})
	if err != nil {
		return p, fmt.Errorf("db: unable to read a ticket's watches: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var w PresenceWatcher
		var until NullTime
		if err := rows.Scan(&w.Key, &w.AgentID, &w.AgentName, &until); err != nil {
			return p, fmt.Errorf("db: unable to read a ticket's watches: %w", err)
		}
		w.Replying = until.Valid && until.Time.After(now)
		p.Watchers = append(p.Watchers, w)
	}
	if err := rows.Err(); err != nil {
		return p, fmt.Errorf("db: unable to read a ticket's watches: %w", err)
	}
	rows.Close()
	err = d.read.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM messages WHERE ticket_id = ? AND internal = FALSE
		AND (author_id IS NULL OR author_id <> ?)`, ticketID, viewer).Scan(&p.Newest)
	if err != nil {
		return p, fmt.Errorf("db: unable to read a ticket's newest message: %w", err)
	}
	return p, nil
}

// presencePollChunk is how many tickets one PresenceVersions query asks
// for; shorter lists are padded with 0 (no ticket), so that the query is
// always the same text, prepared once.
const presencePollChunk = 50

// presenceVersionsSQL asks for presencePollChunk tickets' versions.
var presenceVersionsSQL = `SELECT p.ticket_id, p.version,
	COALESCE((SELECT MAX(m.id) FROM messages m WHERE m.ticket_id = p.ticket_id), 0)
	FROM presence_tickets p WHERE p.ticket_id IN (?` + strings.Repeat(", ?", presencePollChunk-1) + `)`

// PresenceVersions is the presence version and newest message of each of
// tickets: one read per 50 tickets (the poll of a process's streams).
// Tickets without a version row are left out.
func (d *DB) PresenceVersions(ctx context.Context, tickets []int64) (map[int64]PresenceVersion, error) {
	out := make(map[int64]PresenceVersion, len(tickets))
	args := make([]any, presencePollChunk)
	for start := 0; start < len(tickets); start += presencePollChunk {
		for i := range args {
			args[i] = int64(0)
			if start+i < len(tickets) {
				args[i] = tickets[start+i]
			}
		}
		if err := d.presenceVersions(ctx, args, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (d *DB) presenceVersions(ctx context.Context, args []any, out map[int64]PresenceVersion) error {
	rows, err := d.read.QueryContext(ctx, presenceVersionsSQL, args...)
	if err != nil {
		return fmt.Errorf("db: unable to poll presence: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var v PresenceVersion
		if err := rows.Scan(&id, &v.Version, &v.Message); err != nil {
			return fmt.Errorf("db: unable to poll presence: %w", err)
		}
		out[id] = v
	}
	return rows.Err()
}
