package db

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Merging (CONTRACT §6) folds a duplicate ticket (the source) into the
// ticket the conversation goes on in (the target). In one write:
//
//   - the source's messages, files and history move to the target; the
//     source's own text (its subject and message, which live on the ticket
//     row, not in messages) becomes a requester message on the target with
//     the source's author and time, so nothing the requester wrote is lost
//     and the target's thread, read in time order, is the whole conversation;
//   - the tags are unioned; a union over MaxTagsATicket refuses the merge
//     (ECONFLICT), rather than drop tags no one chose to drop;
//   - the source becomes closed, awaits nobody, and points at the target
//     (merged_into); tickets merged into the source before now point at the
//     target too, so a token never needs more than one hop;
//   - each history says what happened: "mergedInto" on the source,
//     "mergedFrom" on the target, both with from = source, to = target;
//   - the target's awaiting and last_message_at are worked out again from
//     the whole conversation; its status is left as it is (a merge is no
//     new message from anyone).
//
// From then on the source's access token, minted tokens and reply address
// lead to the target (TicketIDByToken, AddEmailReply). The full-text index
// follows by itself: the message triggers of migration 009 queue both
// tickets for indexing when a message changes ticket.
//
// Refusals, each before anything is written: ENOTFOUND for an unknown
// ticket; EINVALID (field "into") for a merge into itself; ECONFLICT for
// different requesters (email, compared without case), a source already
// closed or merged, a closed target, or too many tags together.

// MergeSummary is what a merge moves, as the desk previews it.
type MergeSummary struct {
	Source, Target Ticket
	// Messages counts the messages that move, including the one the
	// source's own text becomes; Notes is how many of them are internal.
	Messages, Notes int
	Files           int
	Events          int
	// Tags are the target's tags after the merge; Added those the source
	// brings that the target lacks.
	Tags, Added []string
}

// MergeTicket merges ticket id into ticket into (see above) and returns the
// target as it is afterwards, with its files and tags.
func (d *DB) MergeTicket(ctx context.Context, id, into int64, by Actor) (Ticket, error) {
	if id == into {
		return Ticket{}, mergeIntoItself()
	}
	err := d.write(ctx, func(tx *Tx) error {
		sum, err := mergeSummary(ctx, tx, id, into)
		if err != nil {
			return err
		}
		return mergeTx(tx, sum, by, Time{d.now()})
	})
	if err != nil {
		return Ticket{}, err
	}
	return d.Ticket(ctx, into, true)
}

// PreviewMerge returns what merging id into into would move, or the
// refusal MergeTicket would answer; it writes nothing.
func (d *DB) PreviewMerge(ctx context.Context, id, into int64) (MergeSummary, error) {
	if id == into {
		return MergeSummary{}, mergeIntoItself()
	}
	return mergeSummary(ctx, d.read, id, into)
}

func mergeIntoItself() error {
	var v Invalid
	v.Add("into", "a ticket cannot be merged into itself")
	return v.Err()
}

// mergeSummary reads both tickets, checks the merge is allowed, and counts
// what would move.
func mergeSummary(ctx context.Context, q querier, id, into int64) (MergeSummary, error) {
	var sum MergeSummary
	var err error
	if sum.Source, err = findTicket(ctx, q, id); err != nil {
		return sum, err
	}
	if sum.Target, err = findTicket(ctx, q, into); err != nil {
		return sum, err
	}
	s, t := sum.Source, sum.Target
	switch {
	case s.MergedInto != nil:
		return sum, Errorf(ECONFLICT, "ticket %d was already merged into ticket %d", s.ID, *s.MergedInto)
	case s.Status == StatusClosed:
		return sum, Errorf(ECONFLICT, "ticket %d is closed; closed is final", s.ID)
	case t.Status == StatusClosed:
		return sum, Errorf(ECONFLICT, "ticket %d is closed and takes nothing more; merge into an open ticket", t.ID)
	case !strings.EqualFold(s.Email, t.Email):
		return sum, Errorf(ECONFLICT, "tickets %d and %d have different requesters (%s, %s); only one requester's tickets merge",
			s.ID, t.ID, s.Email, t.Email)
	}
	for _, tag := range sum.Source.Tags {
		if !slices.Contains(sum.Target.Tags, tag) {
			sum.Added = append(sum.Added, tag)
		}
	}
	sum.Tags = append(slices.Clone(sum.Target.Tags), sum.Added...)
	slices.Sort(sum.Tags)
	if len(sum.Tags) > MaxTagsATicket {
		return sum, Errorf(ECONFLICT, "together the tickets carry %d tags and a ticket holds at most %d; remove some tags first",
			len(sum.Tags), MaxTagsATicket)
	}
	err = q.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM messages WHERE ticket_id = ?1),
		(SELECT count(*) FROM messages WHERE ticket_id = ?1 AND internal = TRUE),
		(SELECT count(*) FROM attachments WHERE ticket_id = ?1),
		(SELECT count(*) FROM ticket_events WHERE ticket_id = ?1)`, id).
		Scan(&sum.Messages, &sum.Notes, &sum.Files, &sum.Events)
	if err != nil {
		return sum, fmt.Errorf("db: unable to count what a merge moves: %w", err)
	}
	sum.Messages++ // the source's own text
	return sum, nil
}

// mergeTx does the merge sum describes, in tx.
func mergeTx(tx *Tx, sum MergeSummary, by Actor, now Time) error {
	s, t := sum.Source, sum.Target
	// The source's own text first, as the requester's message of its time;
	// the files sent with it (message_id NULL) go with it.
	first := Message{TicketID: t.ID, Author: Author{Type: AuthorRequester, Name: s.FullName, Email: s.Email},
		Body: mergedText(s), CreatedAt: s.CreatedAt}
	if err := insertMessage(tx, &first, "", nil); err != nil {
		return err
	}
	// Each statement names ?1 source, ?2 target, ?3 the first message,
	// ?4 now; PostgreSQL takes exactly the arguments a statement names.
	steps := []struct {
		what, query string
		args        []any
	}{
		{"files", `UPDATE attachments SET ticket_id = ?2, message_id = coalesce(message_id, ?3) WHERE ticket_id = ?1`, []any{s.ID, t.ID, first.ID}},
		// The same email may sit on both tickets (one reply sent to both
		// addresses): both copies stay, and the moved one forgets its
		// Message-ID, which is unique within a ticket.
		{"messages", `UPDATE messages SET email_message_id = NULL WHERE ticket_id = ?1 AND email_message_id IN
			(SELECT email_message_id FROM messages WHERE ticket_id = ?2 AND email_message_id IS NOT NULL)`, []any{s.ID, t.ID}},
		{"messages", `UPDATE messages SET ticket_id = ?2 WHERE ticket_id = ?1`, []any{s.ID, t.ID}},
		{"history", `UPDATE ticket_events SET ticket_id = ?2 WHERE ticket_id = ?1`, []any{s.ID, t.ID}},
		{"tags", `INSERT INTO ticket_tags (ticket_id, tag) SELECT ?2, tag FROM ticket_tags WHERE ticket_id = ?1 ON CONFLICT DO NOTHING`, []any{s.ID, t.ID}},
		{"tags", `DELETE FROM ticket_tags WHERE ticket_id = ?1`, []any{s.ID}},
		{"earlier merges", `UPDATE tickets SET merged_into = ?2 WHERE merged_into = ?1`, []any{s.ID, t.ID}},
		{"source", `UPDATE tickets SET status = 'closed', awaiting = NULL, merged_into = ?2, updated_at = ?3 WHERE id = ?1`, []any{s.ID, t.ID, now}},
	}
	for _, st := range steps {
		if _, err := tx.Exec(st.query, st.args...); err != nil {
			return fmt.Errorf("db: unable to move the %s of a merged ticket: %w", st.what, err)
		}
	}
	if err := refollowConversation(tx, t.ID, now); err != nil {
		return err
	}
	from, to := strconv.FormatInt(s.ID, 10), strconv.FormatInt(t.ID, 10)
	if err := insertEvent(tx, s.ID, by, "status", string(s.Status), string(StatusClosed), now); err != nil {
		return err
	}
	if err := insertEvent(tx, s.ID, by, "mergedInto", from, to, now); err != nil {
		return err
	}
	if len(sum.Added) > 0 {
		if err := insertEvent(tx, t.ID, by, "tags", strings.Join(t.Tags, ","), strings.Join(sum.Tags, ","), now); err != nil {
			return err
		}
	}
	return insertEvent(tx, t.ID, by, "mergedFrom", from, to, now)
}

// mergedText is the source's own text as a message on the target: its
// number and subject, which the target's thread would otherwise lose, then
// what the requester wrote.
func mergedText(s Ticket) string {
	return "#" + strconv.FormatInt(s.ID, 10) + " " + s.Subject + "\n\n" + s.Message
}

// refollowConversation works out again who ticket id waits on and when its
// last public message was written, from the whole conversation in time
// order (a merge brings messages older and newer than its own). The
// ticket's own text counts as the requester's message of its time: an
// agent's answer older than it answered something else.
func refollowConversation(tx *Tx, id int64, now Time) error {
	_, err := tx.Exec(`WITH last AS (
			SELECT m.author_type, m.created_at FROM messages m
			WHERE m.ticket_id = ?2 AND m.internal = FALSE AND m.author_type <> 'system'
			ORDER BY m.created_at DESC, m.id DESC LIMIT 1)
		UPDATE tickets SET
			last_message_at = CASE WHEN (SELECT created_at FROM last) > created_at
				THEN (SELECT created_at FROM last) ELSE created_at END,
			awaiting = CASE
				WHEN status = 'closed' THEN NULL
				WHEN EXISTS (SELECT 1 FROM last WHERE author_type = 'agent' AND last.created_at >= tickets.created_at)
					THEN 'requester'
				ELSE 'agent' END,
			updated_at = ?1
		WHERE id = ?2`, now, id)
	if err != nil {
		return fmt.Errorf("db: unable to follow the merged conversation: %w", err)
	}
	return nil
}

// mergedTarget is the ticket id leads to: the ticket it was merged into,
// or itself.
func mergedTarget(ctx context.Context, q querier, id int64) (int64, error) {
	var to int64
	err := q.QueryRowContext(ctx, `SELECT coalesce((SELECT merged_into FROM tickets WHERE id = ?1), ?1)`, id).Scan(&to)
	if err != nil {
		return 0, fmt.Errorf("db: unable to follow a merged ticket: %w", err)
	}
	return to, nil
}

// MergeCandidates lists the tickets ticket t may be merged into: the same
// requester's other tickets that are not closed, newest first, at most
// limit. query, when given, narrows them to a ticket number ("12" or
// "#12") or a part of the subject (any case).
func (d *DB) MergeCandidates(ctx context.Context, t Ticket, query string, limit int) ([]TicketSummary, error) {
	query = strings.TrimSpace(query)
	byID := int64(-1)
	if n, err := strconv.ParseInt(strings.TrimPrefix(query, "#"), 10, 64); err == nil {
		byID = n
	}
	rows, err := d.read.QueryContext(ctx, `
		SELECT id, subject, status, created_at FROM tickets
		WHERE email = ?1 COLLATE NOCASE AND id <> ?2 AND status <> 'closed'
		  AND (?3 = '' OR id = ?4 OR lower(subject) LIKE ?5 ESCAPE '\')
		ORDER BY id DESC LIMIT ?6`, t.Email, t.ID, query, byID, "%"+escapeLike(strings.ToLower(query))+"%", limit)
	if err != nil {
		return nil, fmt.Errorf("db: unable to list merge candidates: %w", err)
	}
	defer rows.Close()
	var out []TicketSummary
	for rows.Next() {
		var s TicketSummary
		if err := rows.Scan(&s.ID, &s.Subject, &s.Status, &s.CreatedAt); err != nil {
			return nil, fmt.Errorf("db: unable to scan a merge candidate: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// escapeLike makes s match itself in a LIKE pattern with ESCAPE '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
