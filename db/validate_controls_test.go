package db

import (
	"errors"
	"strings"
	"testing"
)

// TestTextControlCharacters: a one-line field (a name, a subject, a
// category) refuses control characters, C0 (tab and line breaks
// included), DEL and C1, with a field error; leading and trailing
// whitespace is trimmed as before. A message keeps its tabs and line
// breaks.
func TestTextControlCharacters(t *testing.T) {
	d := mustOpen(t)
	ctx := t.Context()
	valid := func() NewTicket {
		return NewTicket{RoleContext: "tourist", FullName: "Ana María", Email: "ana@example.com",
			Subject: "Reembolso", Category: "Booking", Message: "Hola", Language: "es"}
	}
	for _, tc := range []struct {
		name, field string
		change      func(*NewTicket)
	}{
		{"ErrNameESC", "fullName", func(t *NewTicket) { t.FullName = "\x1b[31mKinconecta Security\x1b[0m" }},
		{"ErrNameBEL", "fullName", func(t *NewTicket) { t.FullName = "Ana\aMaría" }},
		{"ErrNameTab", "fullName", func(t *NewTicket) { t.FullName = "Ana\tMaría" }},
		{"ErrNameNewline", "fullName", func(t *NewTicket) { t.FullName = "Ana\nBcc: evil@example.com" }},
		{"ErrNameCR", "fullName", func(t *NewTicket) { t.FullName = "Ana\rMaría" }},
		{"ErrNameDEL", "fullName", func(t *NewTicket) { t.FullName = "Ana\x7f" }},
		{"ErrNameC1", "fullName", func(t *NewTicket) { t.FullName = "Ana\u009b31m" }},
		{"ErrNameNEL", "fullName", func(t *NewTicket) { t.FullName = "Ana\u0085María" }},
		{"ErrSubjectESC", "subject", func(t *NewTicket) { t.Subject = "Pago \x1b]8;;https://evil.example\x1b\\aquí" }},
		{"ErrSubjectNewline", "subject", func(t *NewTicket) { t.Subject = "Help\r\nBcc: evil@example.com" }},
		{"ErrCategoryESC", "category", func(t *NewTicket) { t.Category = "Booking\x1b" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nt := valid()
			tc.change(&nt)
			_, _, err := d.CreateTicket(ctx, nt, Actor{Type: "requester", Name: "Ana"})
			var de *Error
			if !errors.As(err, &de) || de.Code != EINVALID {
				t.Fatalf("CreateTicket = %v, want EINVALID", err)
			}
			found := false
			for _, fe := range de.Fields {
				found = found || fe.Field == tc.field && strings.Contains(fe.Message, "control characters")
			}
			if !found {
				t.Fatalf("errors %+v do not name %s's control characters", de.Fields, tc.field)
			}
		})
	}

	t.Run("OKTrimmedAndMultiLine", func(t *testing.T) {
		nt := valid()
		nt.FullName, nt.Subject = "\t José Ñúñez \n", "\tReembolso\r\n"
		nt.Message = "Hola,\r\n\tlínea con tabulador\n\nAdiós"
		tk, _, err := d.CreateTicket(ctx, nt, Actor{Type: "requester", Name: "José"})
		if err != nil {
			t.Fatal(err)
		}
		if tk.FullName != "José Ñúñez" || tk.Subject != "Reembolso" {
			t.Fatalf("stored %q, %q", tk.FullName, tk.Subject)
		}
		if _, err := d.AddMessage(ctx, tk.ID, NewMessage{Body: "Uno\n\tdos\r\ntres"}, Actor{Type: "requester", Name: "José"}, 20); err != nil {
			t.Fatalf("a message with tabs and line breaks: %v", err)
		}
	})

	t.Run("ErrUserName", func(t *testing.T) {
		_, err := d.CreateUser(ctx, NewUser{Email: "carlos@kinconecta.test", Name: "Carlos\x1b[2J", Role: RoleAgent, Password: "correct horse battery"})
		var de *Error
		if !errors.As(err, &de) || de.Code != EINVALID || len(de.Fields) != 1 || de.Fields[0].Field != "name" {
			t.Fatalf("CreateUser = %v, want a field error on name", err)
		}
	})
}
