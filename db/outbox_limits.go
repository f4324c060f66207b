package db

import (
	"context"
	"fmt"
	"strings"
	"time"

	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/norm"
)

// ConfirmWindow is the span ConfirmLimits count over.
const ConfirmWindow = time.Hour

// ConfirmLimits caps the ticket-created confirmations (NotifyTicketCreated)
// that go out: anyone may open a ticket for any address, so without a cap
// the confirmation, which quotes the ticket's subject and text, lets
// strangers mail whoever they like in the helpdesk's name.
type ConfirmLimits struct {
	// PerAddress is how many confirmations one recipient may get for
	// tickets created within ConfirmWindow; addresses are compared as
	// confirmKey spells them: without case or a +tag (ana+1@x and ANA@x
	// are one person), the domain in its IDNA ASCII form and the rest NFC.
	// 0: no limit.
	PerAddress int
	// PerDomain is the same across every address of one domain (in its
	// IDNA ASCII form). 0: no limit.
	PerDomain int
}

// ClaimNotifications readies due rows for sending, all in one write, and
// returns the ones to send, in order:
//
//   - A confirmation seen for the first time is counted against lim: the
//     confirmations already let through (claimed) to its address and
//     domain for tickets created less than ConfirmWindow before or after
//     its own. Over a limit it becomes OutboxSuppressed, with LastError
//     naming the limit, and is left out; otherwise it is claimed and never
//     counted again, even when its sending is retried. One worker claims
//     confirmations in the order they were created, so the later ones
//     count nothing; workers of several processes claim at once, out of
//     that order, and counting both sides keeps every hour of creation
//     times within the limit however the claims interleave.
//   - The first requester row of a ticket to get here becomes the thread's
//     root (ThreadRoot): CONTRACT §5 gives the first email the requester
//     gets the root Message-ID, and it may not be the confirmation (held
//     back, or sent before roots existed).
//
// The counts use creation times, not the clock, so a backlog sent late
// (no mail server for a day) is held to the same rate it was created at.
// Rows needing neither step cost no write.
func (d *DB) ClaimNotifications(ctx context.Context, rows []Notification, lim ConfirmLimits) ([]Notification, error) {
	needed := false
	for _, n := range rows {
		needed = needed || needsClaim(n)
	}
	if !needed {
		return rows, nil
	}
	var out []Notification
	err := d.write(ctx, func(tx *Tx) error {
		var err error
		out, err = readyForSending(tx, rows, lim, Time{d.now()})
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// readyForSending is ClaimNotifications' work inside the caller's write:
// rows in, the ones to send out, in the same order.
func readyForSending(tx *Tx, rows []Notification, lim ConfirmLimits, now Time) ([]Notification, error) {
	out := make([]Notification, 0, len(rows))
	for _, n := range rows {
		if n.Kind == NotifyTicketCreated && !n.Claimed {
			held, err := claimConfirmation(tx, n, lim, now)
			if err != nil {
				return nil, err
			}
			if held {
				continue
			}
			n.Claimed = true
		}
		if RequesterKind(n.Kind) && !n.ThreadRoot && !n.RootTaken {
			res, err := tx.Exec(`UPDATE outbox SET thread_root = TRUE WHERE id = ?
				AND NOT EXISTS (SELECT 1 FROM outbox WHERE ticket_id = ? AND thread_root = TRUE)`, n.ID, n.TicketID)
			if err != nil {
				return nil, fmt.Errorf("db: unable to claim the thread root: %w", err)
			}
			affected, _ := res.RowsAffected()
			n.ThreadRoot, n.RootTaken = affected == 1, true
		}
		out = append(out, n)
	}
	return out, nil
}

func needsClaim(n Notification) bool {
	return n.Kind == NotifyTicketCreated && !n.Claimed || RequesterKind(n.Kind) && !n.ThreadRoot && !n.RootTaken
}

// claimConfirmation counts n against lim and records the outcome:
// claimed, or suppressed (held reports that).
func claimConfirmation(tx *Tx, n Notification, lim ConfirmLimits, now Time) (held bool, err error) {
	key, domain := confirmKey(n.Recipient)
	reason := ""
	since, until := Time{n.CreatedAt.Add(-ConfirmWindow)}, Time{n.CreatedAt.Add(ConfirmWindow)}
	for _, c := range []struct {
		limit       int
		column, val string
		limitName   string
		to          string
	}{
		{lim.PerAddress, "recipient_key", key, "per-address", "this address"},
		{lim.PerDomain, "recipient_domain", domain, "per-domain", domain},
	} {
		if c.limit <= 0 {
			continue
		}
		// LIMIT: a domain at its cap costs a bounded index range, however
		// much mail it got.
		var count int
		if err := tx.QueryRow(confirmCountSQL(c.column), c.val, since, until, c.limit).Scan(&count); err != nil {
			return false, fmt.Errorf("db: unable to count confirmations: %w", err)
		}
		if count >= c.limit {
			reason = fmt.Sprintf("suppressed: the %s limit of %d an hour was reached for %s", c.limitName, c.limit, c.to)
			break
		}
	}
	if reason != "" {
		_, err = tx.Exec(`UPDATE outbox SET status = 'suppressed', last_error = ?, recipient_key = ?, recipient_domain = ?
			WHERE id = ? AND status = 'pending'`, reason, key, domain, n.ID)
	} else {
		_, err = tx.Exec(`UPDATE outbox SET claimed_at = ?, recipient_key = ?, recipient_domain = ? WHERE id = ?`,
			now, key, domain, n.ID)
	}
	if err != nil {
		return false, fmt.Errorf("db: unable to record a confirmation's limits: %w", err)
	}
	return reason != "", nil
}

// confirmCountSQL counts, up to a limit, the claimed confirmations with
// column (recipient_key or recipient_domain) equal to a value, created in
// an open span: a range of the partial index on (column, created_at).
func confirmCountSQL(column string) string {
	return `SELECT count(*) FROM (SELECT 1 FROM outbox WHERE ` + column + ` = ?
		AND claimed_at IS NOT NULL AND created_at > ? AND created_at < ? LIMIT ?) AS confirmations`
}

// confirmKey is the address as the limits see it, and its domain: one
// key per inbox, however the address is spelled. The domain is the ASCII
// form IDNA looks it up by (exämple.com, its NFD spelling and
// xn--exmple-cua.com are one domain); the local part is NFC and lower
// case, without a +tag. Mail providers deliver ana+anything@ to ana@, so
// counting tags apart would let one inbox take any number of mails.
func confirmKey(address string) (key, domain string) {
	address = strings.TrimSpace(address)
	at := strings.LastIndexByte(address, '@')
	if at < 0 {
		return strings.ToLower(norm.NFC.String(address)), ""
	}
	local := strings.ToLower(norm.NFC.String(address[:at]))
	domain = strings.TrimSuffix(address[at+1:], ".")
	if ascii, err := idna.Lookup.ToASCII(domain); err == nil {
		domain = ascii
	} else {
		// Not a name IDNA takes (an underscore, say): no mail goes
		// there through DNS, but it is still counted as one domain.
		domain = norm.NFC.String(domain)
	}
	domain = strings.ToLower(domain)
	if base, _, ok := strings.Cut(local, "+"); ok && base != "" {
		local = base
	}
	return local + "@" + domain, domain
}
