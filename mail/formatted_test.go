package mail

import (
	"context"
	"strings"
	"testing"

	"github.com/kinconecta/helpdesk/db"
)

// An agent's formatted reply reaches the requester rendered by the desk's
// own renderer in the HTML part, its safe subset only, and as its
// readable source in the text part; an agent who chose Spanish gets the
// requester's answer in Spanish.
func TestFormattedAgentReply(t *testing.T) {
	d := newDesk(t)
	d.start(t)
	ctx := context.Background()
	lucia := d.agent(t, "lucia@kinconecta.test", "Lucía Gómez")
	if _, err := d.db.UpdateProfile(ctx, lucia.ID, db.Profile{Name: "Lucía Gómez", Language: "es"}); err != nil {
		t.Fatal(err)
	}
	tk := d.ticket(t, "Ana Martínez", "ana.martinez@example.com", "Refund", "en")
	d.box.waitFor(t, 1) // the confirmation
	if _, err := d.db.UpdateTicket(ctx, tk.ID, db.TicketPatch{AssigneeID: &lucia.ID}, db.Actor{Type: "system"}); err != nil {
		t.Fatal(err)
	}
	assigned := d.box.waitFor(t, 2)[1]
	if !strings.Contains(assigned.HTML, `<html lang="es">`) {
		t.Fatalf("the assignment email to an agent who chose Spanish is not in Spanish:\n%.400s", assigned.HTML)
	}

	body := "We **refunded** you:\n\n- see [your receipt](https://pay.example.com/r/1)\n- <script>alert(1)</script>\n- [x](javascript:alert(1))"
	by := db.Actor{Type: "agent", ID: lucia.ID, Name: "Lucía Gómez"}
	if _, err := d.db.AddMessage(ctx, tk.ID, db.NewMessage{Body: body, Format: db.FormatMarkdown}, by, 20); err != nil {
		t.Fatal(err)
	}
	m := d.box.waitFor(t, 3)[2]
	for _, want := range []string{"<strong>refunded</strong>", "<li>", `<a href="https://pay.example.com/r/1" rel="noopener nofollow">your receipt</a>`, "&lt;script&gt;"} {
		if !strings.Contains(m.HTML, want) {
			t.Errorf("HTML part lacks %q", want)
		}
	}
	for _, bad := range []string{"<script>alert", "javascript:"} {
		if strings.Contains(m.HTML, bad) {
			t.Errorf("HTML part contains %q", bad)
		}
	}
	if !strings.Contains(m.Text, "We **refunded** you:") || !strings.Contains(m.Text, "- see [your receipt](https://pay.example.com/r/1)") {
		t.Errorf("text part is not the readable source:\n%s", m.Text)
	}
}
