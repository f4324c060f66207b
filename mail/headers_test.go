package mail

import (
	"bytes"
	"context"
	"fmt"
	"mime"
	netmail "net/mail"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/kinconecta/helpdesk/db"
)

// msgID is RFC 5322's msg-id as we write it: one id in angle brackets.
var msgID = regexp.MustCompile(`^<[A-Za-z0-9.\-]+@[A-Za-z0-9.\-]+>$`)

// headersWeWrite are the only header fields a notification may carry, each
// at most once: anything else in a received message was injected.
var headersWeWrite = []string{"Auto-Submitted", "Content-Type", "Date", "From", "In-Reply-To", "Message-Id",
	"Mime-Version", "References", "Reply-To", "Subject", "To", "X-Auto-Response-Suppress"}

// checkHeaders parses raw back with net/mail and checks every header we
// write: the addresses and display names round-trip, the Subject decodes
// to what was typed, ids are well formed and nothing else appears.
func checkHeaders(t *testing.T, raw []byte, wantTo, wantName, wantSubject, fromName string) netmail.Header {
	t.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("the message does not parse: %v\n%s", err, raw)
	}
	h := msg.Header
	for key, values := range h {
		if !slices.Contains(headersWeWrite, key) {
			t.Fatalf("unexpected header %s: %q (injected?)", key, values)
		}
		if len(values) != 1 {
			t.Fatalf("header %s appears %d times: %q", key, len(values), values)
		}
	}
	address := func(field string) *netmail.Address {
		t.Helper()
		a, err := netmail.ParseAddress(h.Get(field))
		if err != nil {
			t.Fatalf("%s %q does not parse: %v", field, h.Get(field), err)
		}
		return a
	}
	if to := address("To"); to.Address != wantTo || to.Name != wantName {
		t.Fatalf("To %q reads as name %q address %q, want %q %q", h.Get("To"), to.Name, to.Address, wantName, wantTo)
	}
	if from := address("From"); from.Address != "soporte@kinconecta.test" || from.Name != fromName {
		t.Fatalf("From %q reads as %q %q", h.Get("From"), from.Name, from.Address)
	}
	if h.Get("Reply-To") != "" {
		if r := address("Reply-To"); r.Name != fromName || !strings.HasPrefix(r.Address, "reply+") {
			t.Fatalf("Reply-To %q reads as %q %q", h.Get("Reply-To"), r.Name, r.Address)
		}
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	if err != nil || subject != wantSubject {
		t.Fatalf("Subject %q decodes to %q (%v), want %q", h.Get("Subject"), subject, err, wantSubject)
	}
	for _, field := range []string{"Message-Id", "In-Reply-To", "References"} {
		if v := h.Get(field); v != "" && !msgID.MatchString(v) {
			t.Fatalf("%s = %q, not one msg-id", field, v)
		}
	}
	return h
}

// TestHostileHeaders sends requesters' emails for names and subjects
// built to break headers (RFC 5322 specials, encoded-word look-alikes,
// CR/LF, bidi controls) and reads each message back with net/mail. Every
// case gets a confirmation (the thread's root) and an agent's reply
// (In-Reply-To and References), so every header we write is covered.
func TestHostileHeaders(t *testing.T) {
	d := newDesk(t)
	d.start(t)
	ctx := context.Background()
	carlos := d.agent(t, "carlos@kinconecta.test", "Carlos Ruiz")
	agent := db.Actor{Type: "agent", ID: carlos.ID, Name: carlos.Name}
	for i, tc := range []struct {
		name                 string
		fullName, wantName   string
		subject, wantSubject string
	}{
		{"UnbalancedQuote", `Ana "La Güera`, `Ana "La Güera`, "Pago duplicado", "Pago duplicado"},
		{"UnbalancedQuoteASCII", `Ana "La Guera`, `Ana "La Guera`, `Say "hi`, `Say "hi`},
		{"Comma", "Martínez, Ana", "Martínez, Ana", "a, b; c", "a, b; c"},
		{"AngleBrackets", "Ana <evil@example.com>", "Ana <evil@example.com>", "<script>x</script>", "<script>x</script>"},
		{"Semicolon", "Ana; Bcc: evil@example.com", "Ana; Bcc: evil@example.com", "x; Bcc: evil@example.com", "x; Bcc: evil@example.com"},
		{"Backslash", `Ana \ Back\slash\`, `Ana \ Back\slash\`, `C:\temp\ "x"`, `C:\temp\ "x"`},
		// golang/go#80592: Go's own encoding of this name does not parse.
		{"BackslashNonASCII", `Güera \ Pérez`, `Güera \ Pérez`, `ü\`, `ü\`},
		{"CRLF", "Ana\r\nBcc: evil@example.com", "Ana Bcc: evil@example.com", "Help\r\n\r\nBody: injected", "Help Body: injected"},
		{"RightToLeftOverride", "Ana\u202Emoc.elpmaxe@live", "Anamoc.elpmaxe@live", "Invoice\u202Efdp.exe", "Invoicefdp.exe"},
		{"RightToLeftMark", "\u200FAna María\u200F", "Ana María", "\u200Fsubject\u200E", "subject"},
		{"EncodedWordName", "=?utf-8?b?S2luY29uZWN0YSBTZWN1cml0eQ==?=", "=?utf-8?b?S2luY29uZWN0YSBTZWN1cml0eQ==?=", "plain", "plain"},
		{"EncodedWordSubject", "Ana", "Ana", "=?utf-8?b?WW91ciBhY2NvdW50IGlzIGJsb2NrZWQ=?=", "=?utf-8?b?WW91ciBhY2NvdW50IGlzIGJsb2NrZWQ=?="},
		{"EncodedWordInText", "Ana", "Ana", "Re: =?ISO-8859-1?Q?=A1Hola!?= ¿qué tal?", "Re: =?ISO-8859-1?Q?=A1Hola!?= ¿qué tal?"},
		{"HalfEncodedWord", "Ana", "Ana", "50% =? off ?=", "50% =? off ?="},
		{"LongEncodedWord", strings.Repeat("Ñ", 120), strings.Repeat("Ñ", 120),
			strings.Repeat("=?utf-8?q?", 10) + strings.Repeat("ü", 100), strings.Repeat("=?utf-8?q?", 10) + strings.Repeat("ü", 100)},
		{"OnlyQuote", `"`, `"`, `"`, `"`},
		{"Parentheses", "Ana (comment) O'Brien", "Ana (comment) O'Brien", "(no comment)", "(no comment)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			to := fmt.Sprintf("case%d@example.com", i)
			tk := d.ticket(t, tc.fullName, to, tc.subject, "es")
			if _, err := d.db.AddMessage(ctx, tk.ID, db.NewMessage{Body: "Ya lo revisamos."}, agent, 20); err != nil {
				t.Fatal(err)
			}
			d.settle(t, tk.ID)
			var mine []received
			for _, m := range d.box.messages() {
				if slices.Equal(m.To, []string{to}) {
					mine = append(mine, m)
				}
			}
			if len(mine) != 2 {
				t.Fatalf("%d emails to %s, want the confirmation and the reply; stopped rows: %s", len(mine), to, d.stopped(t, tk.ID))
			}
			want := fmt.Sprintf("[Ticket #%d] %s", tk.ID, tc.wantSubject)
			for _, m := range mine {
				checkHeaders(t, m.Raw, to, tc.wantName, want, "Kinconecta Soporte")
			}
		})
	}
}

// TestHostileFromName: the operator's --mail-from name is quoted per RFC
// 5322 in From and in Reply-To alike.
func TestHostileFromName(t *testing.T) {
	d := newDesk(t)
	from := `"Soporte \"Kinconecta\", Ayuda; <24h>" <soporte@kinconecta.test>`
	a, err := netmail.ParseAddress(from)
	if err != nil {
		t.Fatal(err)
	}
	d.cfg.From = a
	d.start(t)
	tk := d.ticket(t, "Ana", "ana.martinez@example.com", "Hola", "en")
	d.settle(t, tk.ID)
	msgs := d.box.messages()
	if len(msgs) != 1 {
		t.Fatalf("%d emails, want 1; stopped rows: %s", len(msgs), d.stopped(t, tk.ID))
	}
	m := msgs[0]
	h := checkHeaders(t, m.Raw, "ana.martinez@example.com", "Ana", fmt.Sprintf("[Ticket #%d] Hola", tk.ID), `Soporte "Kinconecta", Ayuda; <24h>`)
	if h.Get("Reply-To") == "" {
		t.Fatalf("no Reply-To")
	}
}
