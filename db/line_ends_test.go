package db

import (
	"testing"
)

// Multi-line text is stored with "\n" line ends whoever wrote it: a
// form's "\r\n" in a signature, a message or a ticket's request.
func TestLineEndsStored(t *testing.T) {
	d := mustOpen(t)
	ctx := t.Context()
	u, err := d.CreateUser(ctx, NewUser{Email: "lucia@kinconecta.test", Name: "Lucía", Role: RoleAgent, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := d.UpdateProfile(ctx, u.ID, Profile{Name: "Lucía", Signature: "Lucía\r\nKinconecta\rSupport"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := p.Signature, "Lucía\nKinconecta\nSupport"; got != want {
		t.Errorf("signature %q, want %q", got, want)
	}
	if stored, err := d.Profile(ctx, u.ID); err != nil || stored.Signature != "Lucía\nKinconecta\nSupport" {
		t.Errorf("stored signature %q, %v", stored.Signature, err)
	}
	tk, _, err := d.CreateTicket(ctx, NewTicket{RoleContext: "tourist", FullName: "Ana", Email: "ana@example.com",
		Subject: "Hola", Category: "Billing", Message: "Uno\r\ndos"}, Actor{Type: "requester", Name: "Ana"})
	if err != nil {
		t.Fatal(err)
	}
	m, err := d.AddMessage(ctx, tk.ID, NewMessage{Body: "Tres\r\n\r\ncuatro"}, Actor{Type: "agent", ID: u.ID, Name: "Lucía"}, 20)
	if err != nil {
		t.Fatal(err)
	}
	if m.Body != "Tres\n\ncuatro" {
		t.Errorf("message %q", m.Body)
	}
	msgs, err := d.Messages(ctx, tk.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		for _, r := range m.Body {
			if r == '\r' {
				t.Errorf("stored %q with a carriage return", m.Body)
			}
		}
	}
}
