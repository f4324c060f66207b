package db

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"
)

// mergeFixture is a requester with three tickets (the last one closed), a
// ticket of someone else, and a clock that moves a minute per write.
type mergeFixture struct {
	d                                *DB
	source, target, closed, stranger int64
	sourceToken, mintedToken         string
	agent                            Actor
}

func newMergeFixture(t *testing.T) mergeFixture {
	t.Helper()
	d := mustOpen(t)
	ctx := context.Background()
	clock := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	d.Now = func() time.Time { clock = clock.Add(time.Minute); return clock }
	u, err := d.CreateUser(ctx, NewUser{Email: "lucia@example.com", Name: "Lucía", Role: RoleAgent, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	f := mergeFixture{d: d, agent: Actor{Type: "agent", ID: u.ID, Name: "Lucía"}}
	create := func(email, subject, message string) (int64, string) {
		tk, token, err := d.CreateTicket(ctx, NewTicket{RoleContext: "tourist", FullName: "Ana Ruiz", Email: email,
			Subject: subject, Category: "Billing", Message: message}, Actor{Type: "requester", Name: "Ana Ruiz"})
		if err != nil {
			t.Fatal(err)
		}
		return tk.ID, token
	}
	f.source, f.sourceToken = create("ana@example.com", "Refund for the boat tour", "The boat tour was cancelled; walrus")
	// The agent answers the source before the target exists, so the
	// target's own text is newer than that answer.
	if _, err := d.AddMessage(ctx, f.source, NewMessage{Body: "We are looking into it."}, f.agent, 20); err != nil {
		t.Fatal(err)
	}
	f.target, _ = create("ANA@Example.com", "Where is my refund?", "I wrote last week about the boat tour.")
	f.closed, _ = create("ana@example.com", "Old question", "Solved long ago.")
	f.stranger, _ = create("bob@example.com", "Refund", "Me too.")
	closed := string(StatusClosed)
	if _, err := d.UpdateTicket(ctx, f.closed, TicketPatch{Status: &closed}, f.agent); err != nil {
		t.Fatal(err)
	}
	reply := NewMessage{Body: "Here is the receipt; zanzibar", Attachments: []NewAttachment{
		{FileName: "receipt.pdf", MimeType: "application/pdf", FileSize: 10, StorageName: "merge-receipt"}}}
	if _, err := d.AddMessage(ctx, f.source, reply, Actor{Type: "requester", Name: "Ana Ruiz"}, 20); err != nil {
		t.Fatal(err)
	}
	if _, err := d.AddMessage(ctx, f.source, NewMessage{Body: "VIP customer", Internal: true}, f.agent, 20); err != nil {
		t.Fatal(err)
	}
	if _, err := d.AddAttachments(ctx, f.source, []NewAttachment{
		{FileName: "ticket.png", MimeType: "image/png", FileSize: 5, StorageName: "merge-ticket-png"}}, 20); err != nil {
		t.Fatal(err)
	}
	if _, err := d.UpdateTicket(ctx, f.source, TicketPatch{Tags: &[]string{"refund", "boat"}}, f.agent); err != nil {
		t.Fatal(err)
	}
	if _, err := d.UpdateTicket(ctx, f.target, TicketPatch{Tags: &[]string{"refund", "vip"}}, f.agent); err != nil {
		t.Fatal(err)
	}
	if f.mintedToken, err = d.MintTicketToken(ctx, f.source); err != nil {
		t.Fatal(err)
	}
	return f
}

// snapshot is everything a merge could change about a ticket.
func (f mergeFixture) snapshot(t *testing.T, id int64) string {
	t.Helper()
	ctx := context.Background()
	tk, err := f.d.Ticket(ctx, id, true)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := f.d.Messages(ctx, id, true)
	if err != nil {
		t.Fatal(err)
	}
	events, err := f.d.Events(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal([]any{tk, tk.MergedInto, tk.Awaiting, msgs, events})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestMergeTicketRefusals(t *testing.T) {
	f := newMergeFixture(t)
	ctx := context.Background()
	tooMany := make([]string, 19)
	for i := range tooMany {
		tooMany[i] = fmt.Sprintf("t%02d", i)
	}
	for _, tc := range []struct {
		name     string
		setup    func()
		id, into func() int64
		code     string
	}{
		{name: "ErrIntoItself", id: func() int64 { return f.source }, into: func() int64 { return f.source }, code: EINVALID},
		{name: "ErrUnknownTarget", id: func() int64 { return f.source }, into: func() int64 { return 999 }, code: ENOTFOUND},
		{name: "ErrUnknownSource", id: func() int64 { return 999 }, into: func() int64 { return f.target }, code: ENOTFOUND},
		{name: "ErrOtherRequester", id: func() int64 { return f.source }, into: func() int64 { return f.stranger }, code: ECONFLICT},
		{name: "ErrIntoClosed", id: func() int64 { return f.source }, into: func() int64 { return f.closed }, code: ECONFLICT},
		{name: "ErrSourceClosed", id: func() int64 { return f.closed }, into: func() int64 { return f.target }, code: ECONFLICT},
		{name: "ErrTooManyTags", id: func() int64 { return f.source }, into: func() int64 { return f.target }, code: ECONFLICT,
			setup: func() {
				if _, err := f.d.UpdateTicket(ctx, f.target, TicketPatch{Tags: &tooMany}, f.agent); err != nil {
					t.Fatal(err)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.setup != nil {
				tc.setup()
			}
			before := []string{f.snapshot(t, f.source), f.snapshot(t, f.target)}
			if _, err := f.d.PreviewMerge(ctx, tc.id(), tc.into()); ErrorCode(err) != tc.code {
				t.Errorf("PreviewMerge: %v, want %s", err, tc.code)
			}
			_, err := f.d.MergeTicket(ctx, tc.id(), tc.into(), f.agent)
			if ErrorCode(err) != tc.code {
				t.Fatalf("MergeTicket: %v, want %s", err, tc.code)
			}
			after := []string{f.snapshot(t, f.source), f.snapshot(t, f.target)}
			if !slices.Equal(before, after) {
				t.Errorf("a refused merge changed the tickets:\nbefore %v\nafter  %v", before, after)
			}
		})
	}
}

func TestMergeTicket(t *testing.T) {
	f := newMergeFixture(t)
	ctx := context.Background()
	d := f.d
	srcBefore, err := d.Ticket(ctx, f.source, true)
	if err != nil {
		t.Fatal(err)
	}
	srcMsgs, _ := d.Messages(ctx, f.source, true)
	srcEvents, _ := d.Events(ctx, f.source)
	tgtMsgs, _ := d.Messages(ctx, f.target, true)
	tgtEvents, _ := d.Events(ctx, f.target)

	sum, err := d.PreviewMerge(ctx, f.source, f.target)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(sum.Messages, sum.Notes, sum.Files, sum.Tags, sum.Added), "4 1 2 [boat refund vip] [boat]"; got != want {
		t.Errorf("preview: %s, want %s", got, want)
	}

	target, err := d.MergeTicket(ctx, f.source, f.target, f.agent)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"boat", "refund", "vip"}; !slices.Equal(target.Tags, want) {
		t.Errorf("target tags %q, want the union %q", target.Tags, want)
	}
	if got, want := len(target.Attachments), 2; got != want {
		t.Errorf("target has %d files, want %d", got, want)
	}
	if target.Awaiting == nil || *target.Awaiting != AwaitingAgent {
		t.Errorf("target awaiting %v, want agent (the requester wrote last)", target.Awaiting)
	}

	t.Run("Thread", func(t *testing.T) {
		msgs, err := d.Messages(ctx, f.target, true)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := len(msgs), len(tgtMsgs)+len(srcMsgs)+1; got != want {
			t.Fatalf("target has %d messages, want %d", got, want)
		}
		first := msgs[0]
		if first.Author.Type != AuthorRequester || first.Author.Name != "Ana Ruiz" || !first.CreatedAt.Equal(srcBefore.CreatedAt.Time) {
			t.Errorf("first message %+v: want the source's own text by its requester at its time", first)
		}
		if want := fmt.Sprintf("#%d Refund for the boat tour\n\nThe boat tour was cancelled; walrus", f.source); first.Body != want {
			t.Errorf("first body %q, want %q", first.Body, want)
		}
		if len(first.Attachments) != 1 || first.Attachments[0].FileName != "ticket.png" {
			t.Errorf("the source's own file should go with its text: %+v", first.Attachments)
		}
		for i := 1; i < len(msgs); i++ {
			if msgs[i].CreatedAt.Before(msgs[i-1].CreatedAt.Time) {
				t.Errorf("thread out of time order at %d", i)
			}
		}
		if left, _ := d.Messages(ctx, f.source, true); len(left) != 0 {
			t.Errorf("source kept %d messages", len(left))
		}
	})
	t.Run("Source", func(t *testing.T) {
		src, err := d.Ticket(ctx, f.source, true)
		if err != nil {
			t.Fatal(err)
		}
		if src.Status != StatusClosed || src.MergedInto == nil || *src.MergedInto != f.target || src.Awaiting != nil {
			t.Errorf("source status %s mergedInto %v awaiting %v: want closed, %d, nil", src.Status, src.MergedInto, src.Awaiting, f.target)
		}
		if len(src.Tags) != 0 || len(src.Attachments) != 0 {
			t.Errorf("source kept tags %q, files %d", src.Tags, len(src.Attachments))
		}
		events, _ := d.Events(ctx, f.source)
		if len(events) != 2 || events[0].Field != "status" || events[0].To != "closed" ||
			events[1].Field != "mergedInto" || events[1].To != fmt.Sprint(f.target) {
			t.Errorf("source history %+v: want closed, then merged into %d", events, f.target)
		}
	})
	t.Run("History", func(t *testing.T) {
		events, _ := d.Events(ctx, f.target)
		// The source's events, the tags the merge added, the merge.
		if got, want := len(events), len(tgtEvents)+len(srcEvents)+2; got != want {
			t.Fatalf("target history has %d events, want %d", got, want)
		}
		last := events[len(events)-1]
		if last.Field != "mergedFrom" || last.From != fmt.Sprint(f.source) || last.ActorName != "Lucía" {
			t.Errorf("last target event %+v: want mergedFrom %d by Lucía", last, f.source)
		}
		if tags := events[len(events)-2]; tags.Field != "tags" || tags.From != "refund,vip" || tags.To != "boat,refund,vip" {
			t.Errorf("tags event %+v", tags)
		}
	})
	t.Run("Links", func(t *testing.T) {
		for _, token := range []string{f.sourceToken, f.mintedToken} {
			if id, err := d.TicketIDByToken(ctx, token); err != nil || id != f.target {
				t.Errorf("token of the source leads to %d, %v; want %d", id, err, f.target)
			}
		}
		res, err := d.AddEmailReply(ctx, f.source, EmailReply{MessageID: "late@example.com",
			From: Sender{Address: "ana@example.com"}, Body: "Any news? kumquat"}, 20)
		if err != nil {
			t.Fatal(err)
		}
		if res.Message == nil || res.Message.TicketID != f.target {
			t.Errorf("an email to the source's reply address went to %+v, want ticket %d", res.Message, f.target)
		}
	})
	t.Run("Search", func(t *testing.T) {
		for _, word := range []string{"zanzibar", "walrus", "kumquat"} {
			page, err := d.ListTickets(ctx, TicketFilter{Query: word, Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, tk := range page.Tickets {
				ids = append(ids, tk.ID)
			}
			// walrus is also in the source's own message, which stays.
			want := []int64{f.target}
			if word == "walrus" {
				want = []int64{f.source, f.target}
			}
			slices.Sort(ids)
			if !slices.Equal(ids, want) {
				t.Errorf("search %q finds %v, want %v", word, ids, want)
			}
		}
	})
	t.Run("Counts", func(t *testing.T) {
		counts, err := d.StatusCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range Statuses {
			var n int
			if err := d.read.QueryRow(`SELECT count(*) FROM tickets WHERE status = ?`, st).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if counts[st] != n {
				t.Errorf("ticket_counts[%s] = %d, tickets have %d", st, counts[st], n)
			}
		}
	})
	t.Run("ErrAgain", func(t *testing.T) {
		_, err := d.MergeTicket(ctx, f.source, f.target, f.agent)
		var de *Error
		if !errors.As(err, &de) || de.Code != ECONFLICT {
			t.Errorf("merging a merged ticket again: %v, want ECONFLICT", err)
		}
	})
	t.Run("Chain", func(t *testing.T) {
		next, _, err := d.CreateTicket(ctx, NewTicket{RoleContext: "tourist", FullName: "Ana Ruiz", Email: "ana@example.com",
			Subject: "Third", Category: "Billing", Message: "again"}, Actor{Type: "requester", Name: "Ana Ruiz"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.MergeTicket(ctx, f.target, next.ID, f.agent); err != nil {
			t.Fatal(err)
		}
		if id, err := d.TicketIDByToken(ctx, f.sourceToken); err != nil || id != next.ID {
			t.Errorf("after a second merge the first source's token leads to %d, %v; want %d", id, err, next.ID)
		}
	})
}
