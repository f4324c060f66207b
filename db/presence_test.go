package db

import (
	"fmt"
	"testing"
	"time"
)

// openTwice opens one database through two handles: two helpdesk
// processes as far as the store can tell, on one clock.
func openTwice(t *testing.T) (*DB, *DB, *fakeClock) {
	t.Helper()
	ds := openHandles(t, 2)
	return ds[0], ds[1], newFakeClock(ds[0], ds[1])
}

func mustJoin(t *testing.T, d *DB, j PresenceJoin) int64 {
	t.Helper()
	v, err := d.PresenceJoin(t.Context(), j, 20)
	if err != nil {
		t.Fatalf("join %s: %v", j.Key, err)
	}
	return v
}

func mustPresence(t *testing.T, d *DB, ticket, viewer int64) PresenceTicket {
	t.Helper()
	p, err := d.PresenceOf(t.Context(), ticket, viewer)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func watcherText(p PresenceTicket) string {
	s := ""
	for _, w := range p.Watchers {
		s += fmt.Sprintf("%s:%d:%v ", w.Key, w.AgentID, w.Replying)
	}
	return s
}

// Watches opened through one process are read through another; typing
// and a page's leave raise the ticket's version; only the agent who
// opened a page can end it by its tab; the newest public message leaves
// out the viewer's own and internal notes.
func TestPresenceWatches(t *testing.T) {
	one, two, clock := openTwice(t)
	ctx := t.Context()
	tk := mustTicket(t, one, "Kayak tour", "Is the tour on?")
	lucia, err := one.CreateUser(ctx, NewUser{Email: "lucia@kinconecta.com", Name: "Lucía", Role: RoleAgent, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	v1 := mustJoin(t, one, PresenceJoin{Key: "a", TicketID: tk.ID, AgentID: lucia.ID, AgentName: "Lucía", Tab: "tab-a"})
	v2 := mustJoin(t, two, PresenceJoin{Key: "b", TicketID: tk.ID, AgentID: 99, AgentName: "Marta", Tab: "tab-b"})
	if v2 <= v1 {
		t.Errorf("versions %d then %d: a join must raise it", v1, v2)
	}
	if got := watcherText(mustPresence(t, one, tk.ID, 99)); got != fmt.Sprintf("a:%d:false b:99:false ", lucia.ID) {
		t.Errorf("watches %q", got)
	}

	v3, err := two.PresenceTyping(ctx, tk.ID, lucia.ID, 30*time.Second)
	if err != nil || v3 <= v2 {
		t.Fatalf("typing: version %d after %d, %v", v3, v2, err)
	}
	if p := mustPresence(t, two, tk.ID, 99); !p.Watchers[0].Replying {
		t.Errorf("Lucía not replying: %q", watcherText(p))
	}
	clock.add(20 * time.Second)
	if err := one.PresenceRefresh(ctx, []string{"a", "b"}); err != nil {
		t.Fatal(err)
	}
	clock.add(11 * time.Second)
	if p := mustPresence(t, two, tk.ID, 99); p.Watchers[0].Replying {
		t.Errorf("replying outlived its 30 s: %q", watcherText(p))
	}
	if v, err := one.PresenceTyping(ctx, tk.ID, 12345, 30*time.Second); err != nil || v != 0 {
		t.Errorf("typing by an agent with no watch: version %d, %v; want 0", v, err)
	}

	// Marta cannot end Lucía's page by naming its tab.
	if v, err := two.PresenceLeaveTab(ctx, tk.ID, 99, "tab-a"); err != nil || v != 0 {
		t.Errorf("another's tab: version %d, %v", v, err)
	}
	for _, tab := range []string{"", string(make([]byte, MaxPresenceTabLen+1))} {
		if _, err := two.PresenceLeaveTab(ctx, tk.ID, lucia.ID, tab); ErrorCode(err) != EINVALID {
			t.Errorf("tab %q: %v, want invalid", tab, err)
		}
	}
	v4, err := two.PresenceLeaveTab(ctx, tk.ID, lucia.ID, "tab-a")
	if err != nil || v4 <= v3 {
		t.Fatalf("leave by tab: version %d after %d, %v", v4, v3, err)
	}
	if got := watcherText(mustPresence(t, one, tk.ID, 0)); got != "b:99:false " {
		t.Errorf("after Lucía left: %q", got)
	}
	if id, v, err := one.PresenceLeave(ctx, "b"); err != nil || id != tk.ID || v <= v4 {
		t.Errorf("leave: ticket %d version %d, %v", id, v, err)
	}
	if id, v, err := one.PresenceLeave(ctx, "b"); err != nil || id != 0 || v != 0 {
		t.Errorf("leave again: ticket %d version %d, %v; want nothing", id, v, err)
	}

	// The newest public message not by the viewer.
	if got := mustPresence(t, one, tk.ID, lucia.ID).Newest; got != 0 {
		t.Errorf("newest %d before any reply, want 0 (the ticket's own text is no message)", got)
	}
	req, err := one.AddMessage(ctx, tk.ID, NewMessage{Body: "Hello?"}, Actor{Type: "requester", Name: "Ana"}, 5)
	if err != nil {
		t.Fatal(err)
	}
	first := req.ID
	own, err := one.AddMessage(ctx, tk.ID, NewMessage{Body: "On my way"}, Actor{Type: "agent", ID: lucia.ID, Name: "Lucía"}, 5)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := one.AddMessage(ctx, tk.ID, NewMessage{Body: "note", Internal: true}, Actor{Type: "agent", ID: lucia.ID, Name: "Lucía"}, 5); err != nil {
		t.Fatal(err)
	}
	if got := mustPresence(t, two, tk.ID, lucia.ID).Newest; got != first {
		t.Errorf("newest for Lucía %d, want %d (her own reply and notes are no news)", got, first)
	}
	if got := mustPresence(t, two, tk.ID, 99).Newest; got != own.ID {
		t.Errorf("newest for Marta %d, want Lucía's reply %d", got, own.ID)
	}
}

// An agent's live watches are capped across processes; an expired one
// does not count.
func TestPresenceMaxStreams(t *testing.T) {
	one, two, clock := openTwice(t)
	ctx := t.Context()
	for i, d := range []*DB{one, two, one} {
		if _, err := d.PresenceJoin(ctx, PresenceJoin{Key: fmt.Sprint("k", i), TicketID: 7, AgentID: 5, AgentName: "Ana"}, 3); err != nil {
			t.Fatalf("watch %d: %v", i, err)
		}
	}
	for _, d := range []*DB{one, two} {
		if _, err := d.PresenceJoin(ctx, PresenceJoin{Key: "k3", TicketID: 8, AgentID: 5, AgentName: "Ana"}, 3); ErrorCode(err) != ERATELIMITED {
			t.Errorf("4th watch: %v, want rate_limited", err)
		}
	}
	// Another agent has places of their own.
	if _, err := two.PresenceJoin(ctx, PresenceJoin{Key: "other", TicketID: 7, AgentID: 6, AgentName: "Eva"}, 3); err != nil {
		t.Fatal(err)
	}
	// A key is one watch; bad names are refused.
	if _, err := two.PresenceJoin(ctx, PresenceJoin{Key: "other", TicketID: 7, AgentID: 9, AgentName: "Eva"}, 3); err == nil {
		t.Error("a second watch under one key")
	}
	for _, j := range []PresenceJoin{{Key: "", TicketID: 7}, {Key: "x", TicketID: 0}, {Key: "x", TicketID: 7, Tab: string(make([]byte, 41))}} {
		if _, err := one.PresenceJoin(ctx, j, 3); ErrorCode(err) != EINVALID {
			t.Errorf("%+v: %v, want invalid", j, err)
		}
	}
	clock.add(PresenceTTL)
	if _, err := two.PresenceJoin(ctx, PresenceJoin{Key: "k4", TicketID: 8, AgentID: 5, AgentName: "Ana"}, 3); err != nil {
		t.Fatalf("after the others expired: %v", err)
	}
}

// A process that stops refreshing its watches (it died) loses them after
// PresenceTTL: they leave the line at once, and the next refresh by any
// process deletes them and raises their ticket's version, so that the
// others' streams wake. Versions are polled for many tickets at once.
func TestPresenceExpiry(t *testing.T) {
	one, two, clock := openTwice(t)
	ctx := t.Context()
	tk := mustTicket(t, one, "Kayak tour", "Is the tour on?")
	if _, err := one.AddMessage(ctx, tk.ID, NewMessage{Body: "Hello?"}, Actor{Type: "requester", Name: "Ana"}, 5); err != nil {
		t.Fatal(err)
	}
	mustJoin(t, one, PresenceJoin{Key: "dead", TicketID: tk.ID, AgentID: 1, AgentName: "Ana"})
	mustJoin(t, two, PresenceJoin{Key: "alive", TicketID: tk.ID, AgentID: 2, AgentName: "Eva"})
	clock.add(PresenceTTL - time.Second)
	if err := two.PresenceRefresh(ctx, []string{"alive"}); err != nil {
		t.Fatal(err)
	}
	before, err := two.PresenceVersions(ctx, []int64{tk.ID})
	if err != nil {
		t.Fatal(err)
	}
	if before[tk.ID].Version == 0 || before[tk.ID].Message == 0 {
		t.Fatalf("versions %+v: want the ticket's version and its message", before)
	}
	clock.add(2 * time.Second)
	if got := watcherText(mustPresence(t, two, tk.ID, 0)); got != "alive:2:false " {
		t.Errorf("past the dead process's TTL: %q", got)
	}
	if err := two.PresenceRefresh(ctx, []string{"alive"}); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, two, "presence_watches"); n != 1 {
		t.Errorf("%d watch rows, want the live one", n)
	}
	after, err := one.PresenceVersions(ctx, []int64{tk.ID})
	if err != nil {
		t.Fatal(err)
	}
	if after[tk.ID].Version <= before[tk.ID].Version {
		t.Errorf("the expiry did not raise the version: %d then %d", before[tk.ID].Version, after[tk.ID].Version)
	}
	if m, err := one.AddMessage(ctx, tk.ID, NewMessage{Body: "Yes"}, Actor{Type: "requester", Name: "Ana"}, 5); err != nil {
		t.Fatal(err)
	} else if v, _ := one.PresenceVersions(ctx, []int64{tk.ID}); v[tk.ID].Message != m.ID {
		t.Errorf("polled message %d, want the new %d", v[tk.ID].Message, m.ID)
	}

	// 120 tickets: three chunks of the poll's one query.
	var tickets []int64
	for i := int64(1000); i < 1120; i++ {
		mustJoin(t, one, PresenceJoin{Key: fmt.Sprint("w", i), TicketID: i, AgentID: -i, AgentName: "key"})
		tickets = append(tickets, i)
	}
	vs, err := two.PresenceVersions(ctx, append(tickets, 99999))
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != len(tickets) || vs[1119].Version != 1 {
		t.Errorf("polled %d tickets (1119: %+v), want %d", len(vs), vs[1119], len(tickets))
	}

	// Nobody watches: the versions go an hour after their last change.
	// A refresh deletes the expired watches of 100 tickets at most.
	clock.add(PresenceTTL)
	for range 2 {
		if err := one.PresenceRefresh(ctx, nil); err != nil {
			t.Fatal(err)
		}
	}
	if n := countRows(t, one, "presence_watches"); n != 0 {
		t.Errorf("%d watch rows left", n)
	}
	clock.add(presenceTicketsKept + time.Second)
	if err := one.PresenceRefresh(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, one, "presence_tickets"); n != 0 {
		t.Errorf("%d version rows left an hour on", n)
	}
}
