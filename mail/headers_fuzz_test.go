package mail

import (
	"bytes"
	"context"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/mail/templates"
)

// FuzzMessageHeaders builds requesters' emails, the thread's root and an
// answer, from arbitrary names and subjects, for the requester and for an
// operator's --mail-from name, writes them as go-mail would send them and
// reads them back with net/mail and as a lenient reader would (decoding
// encoded-words anywhere, quoted strings included): every address and
// display name must round-trip (as headerText cleans it), the Subject must
// decode to the subject line exactly, and no header may appear that we did
// not write.
// `go test` runs the seeds; `go test -fuzz FuzzMessageHeaders ./mail`
// searches further.
func FuzzMessageHeaders(f *testing.F) {
	for _, seed := range [][3]string{
		{`Ana "La Güera`, "Pago duplicado", "Kinconecta Soporte"},
		{"Martínez, Ana <ana@evil.example>; x", `C:\temp\ "x"`, `Soporte "K", <24h>`},
		{"Ana\r\nBcc: evil@example.com", "Help\r\nBcc: evil@example.com", "Soporte\r\nBcc: x@example.com"},
		{"Ana\u202Emoc.live@", "=?utf-8?b?SGFja2Vk?=", "\u200FSoporte"},
		{"=?utf-8?q?Admin?=", "Re: =?ISO-8859-1?Q?=A1Hola!?= ¿qué?", "=?utf-8?q?x?="},
		{"=?utf-8?b?4oCuS2luY29uZWN0YSBTZWN1cml0eQ==?=", "x", "=?utf-8?b?4oCuS2luY29uZWN0YSBTZWN1cml0eQ==?="},
		{`Ana "=?utf-8?q?=E2=80=AE?=" \ Güera`, "=?", `=?utf-8?q?x?= \ ü`},
		{`\`, `"`, `(`},
		{strings.Repeat("Ñ ", 60), strings.Repeat("=?", 100), strings.Repeat("a", 100)},
		{"", "", ""},
		{"\xff\xfe invalid", "\xc3\x28 invalid", "x"},
	} {
		f.Add(seed[0], seed[1], seed[2])
	}
	replies := &replyAddresses{key: []byte("fuzz key"), domain: "help.kinconecta.test"}
	f.Fuzz(func(t *testing.T, name, subject, fromName string) {
		// An operator's name comes through parseFrom; a name it refuses
		// stops the server at start, so the default stands in for it.
		from, err := parseFrom((&netmail.Address{Name: headerText(fromName), Address: "soporte@kinconecta.test"}).String())
		if err != nil {
			from, _ = parseFrom("soporte@kinconecta.test")
		}
		c := &composer{from: from, domain: "kinconecta.test", replies: replies, now: time.Now}
		tk := db.Ticket{ID: 12, FullName: name, Subject: subject}
		line := subjectLine(tk.ID, headerText(subject))
		l := letter{subject: line, toName: name, requester: true, email: templates.Email{Lang: "en", Title: line}}
		for _, root := range []bool{true, false} {
			n := db.Notification{ID: 345, TicketID: tk.ID, Recipient: "ana.martinez@example.com", ThreadRoot: root}
			m, err := c.message(context.Background(), n, tk, l)
			if err != nil {
				t.Fatalf("message: %v", err)
			}
			var raw bytes.Buffer
			if _, err := m.WriteTo(&raw); err != nil {
				t.Fatalf("write: %v", err)
			}
			h := checkHeaders(t, raw.Bytes(), "ana.martinez@example.com", headerText(name), line, from.Name)
			wantID := "<n-345.ticket-12@kinconecta.test>"
			if root {
				wantID = "<ticket-12@kinconecta.test>"
			}
			if h.Get("Message-Id") != wantID {
				t.Fatalf("Message-ID = %q, want %q", h.Get("Message-Id"), wantID)
			}
		}
	})
}
