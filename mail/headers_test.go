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
// write: the addresses and display names round-trip, for net/mail and for
// a lenient reader (lenientAddress) alike, the Subject decodes to what was
// typed, ids are well formed and nothing else appears.
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
		lenient, err := lenientAddress(h.Get(field))
		if err != nil || lenient.Name != a.Name || lenient.Address != a.Address {
			t.Fatalf("%s %q reads as %+q %q to a lenient reader (%v), as %+q %q to net/mail",
				field, h.Get(field), lenient.Name, lenient.Address, err, a.Name, a.Address)
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

// lenientAddress reads a one-address header as lenient mail readers do
// (Python's email package with policy.default, for one): RFC 2047
// encoded-words are decoded anywhere in the value, inside a quoted string
// too, and the name-addr is read from the result. A display name written
// as "=?utf-8?b?4oCu…?=" passes net/mail untouched but shows such a
// reader a right-to-left override.
func lenientAddress(value string) (netmail.Address, error) {
	decoded, err := new(mime.WordDecoder).DecodeHeader(value)
	if err != nil {
		return netmail.Address{}, err
	}
	lt := strings.LastIndexByte(decoded, '<')
	if lt < 0 || !strings.HasSuffix(decoded, ">") {
		return netmail.Address{}, fmt.Errorf("no <address> in %q", decoded)
	}
	name := strings.TrimSpace(decoded[:lt])
	if strings.HasPrefix(strings.TrimSpace(value), `"`) {
		// A quoted-string: drop the quotes and undo the quoted-pairs.
		if len(name) < 2 || !strings.HasSuffix(name, `"`) {
			return netmail.Address{}, fmt.Errorf("unbalanced quotes in %q", decoded)
		}
		var b strings.Builder
		for i := 1; i < len(name)-1; i++ {
			if name[i] == '\\' && i+1 < len(name)-1 {
				i++
			}
			b.WriteByte(name[i])
		}
		name = b.String()
	}
	return netmail.Address{Name: name, Address: decoded[lt+1 : len(decoded)-1]}, nil
}

// storedTicket is a ticket whose name and subject are written straight
// into the database, past today's validation, as rows stored before
// control characters were refused still are. Call it before the worker
// starts, or it may send the confirmation first.
func (d *testDesk) storedTicket(t *testing.T, name, email, subject, lang string) db.Ticket {
	t.Helper()
	tk := d.ticket(t, "Placeholder", email, "Placeholder", lang)
	if err := d.db.ExecUnchecked(t.Context(), `UPDATE tickets SET full_name = ?, subject = ? WHERE id = ?`, name, subject, tk.ID); err != nil {
		t.Fatal(err)
	}
	tk.FullName, tk.Subject = name, subject
	return tk
}

// TestHostileHeaders sends requesters' emails for names and subjects
// built to break headers (RFC 5322 specials, encoded-word look-alikes,
// CR/LF, bidi controls) and reads each message back with net/mail and as
// a lenient reader would. Every case gets a confirmation (the thread's
// root) and an agent's reply (In-Reply-To and References), so every
// header we write is covered. Names and subjects with control characters
// are refused at create now; rows stored before that (stored) still
// reach the mail, so they are written straight into the database.
func TestHostileHeaders(t *testing.T) {
	d := newDesk(t)
	ctx := context.Background()
	carlos := d.agent(t, "carlos@kinconecta.test", "Carlos Ruiz")
	agent := db.Actor{Type: "agent", ID: carlos.ID, Name: carlos.Name}
	cases := []struct {
		name                 string
		fullName, wantName   string
		subject, wantSubject string
		stored               bool // written into the database, past today's validation
	}{
		{"UnbalancedQuote", `Ana "La Güera`, `Ana "La Güera`, "Pago duplicado", "Pago duplicado", false},
		{"UnbalancedQuoteASCII", `Ana "La Guera`, `Ana "La Guera`, `Say "hi`, `Say "hi`, false},
		{"Comma", "Martínez, Ana", "Martínez, Ana", "a, b; c", "a, b; c", false},
		{"AngleBrackets", "Ana <evil@example.com>", "Ana <evil@example.com>", "<script>x</script>", "<script>x</script>", false},
		{"Semicolon", "Ana; Bcc: evil@example.com", "Ana; Bcc: evil@example.com", "x; Bcc: evil@example.com", "x; Bcc: evil@example.com", false},
		{"Backslash", `Ana \ Back\slash\`, `Ana \ Back\slash\`, `C:\temp\ "x"`, `C:\temp\ "x"`, false},
		// golang/go#80592: Go's own encoding of this name does not parse.
		{"BackslashNonASCII", `Güera \ Pérez`, `Güera \ Pérez`, `ü\`, `ü\`, false},
		{"CRLF", "Ana\r\nBcc: evil@example.com", "Ana Bcc: evil@example.com", "Help\r\n\r\nBody: injected", "Help Body: injected", true},
		{"Escape", "Ana\x1b[31m\u009b0m", "Ana [31m 0m", "Pago\x1b]8;;https://evil.example\x07aquí", "Pago ]8;;https://evil.example aquí", true},
		{"RightToLeftOverride", "Ana\u202Emoc.elpmaxe@live", "Anamoc.elpmaxe@live", "Invoice\u202Efdp.exe", "Invoicefdp.exe", false},
		{"RightToLeftMark", "\u200FAna María\u200F", "Ana María", "\u200Fsubject\u200E", "subject", false},
		{"EncodedWordName", "=?utf-8?b?S2luY29uZWN0YSBTZWN1cml0eQ==?=", "=?utf-8?b?S2luY29uZWN0YSBTZWN1cml0eQ==?=", "plain", "plain", false},
		// Lenient readers decoded the quoted name to "\u202eKinconecta Security".
		{"EncodedWordNameBidi", "=?utf-8?b?4oCuS2luY29uZWN0YSBTZWN1cml0eQ==?=", "=?utf-8?b?4oCuS2luY29uZWN0YSBTZWN1cml0eQ==?=", "plain", "plain", false},
		{"EncodedWordNameQ", "=?utf-8?q?Kinconecta_Security?= <security@kinconecta.test>", "=?utf-8?q?Kinconecta_Security?= <security@kinconecta.test>", "plain", "plain", false},
		{"EncodedWordNameInText", `Ana "=?utf-8?q?=E2=80=AE?=" Güera`, `Ana "=?utf-8?q?=E2=80=AE?=" Güera`, "plain", "plain", false},
		{"EncodedWordNameBackslash", `=?utf-8?q?x?= \ ü`, `=?utf-8?q?x?= \ ü`, "plain", "plain", false},
		{"EncodedWordSubject", "Ana", "Ana", "=?utf-8?b?WW91ciBhY2NvdW50IGlzIGJsb2NrZWQ=?=", "=?utf-8?b?WW91ciBhY2NvdW50IGlzIGJsb2NrZWQ=?=", false},
		{"EncodedWordInText", "Ana", "Ana", "Re: =?ISO-8859-1?Q?=A1Hola!?= ¿qué tal?", "Re: =?ISO-8859-1?Q?=A1Hola!?= ¿qué tal?", false},
		{"HalfEncodedWord", "Ana", "Ana", "50% =? off ?=", "50% =? off ?=", false},
		{"LongEncodedWord", strings.Repeat("Ñ", 120), strings.Repeat("Ñ", 120),
			strings.Repeat("=?utf-8?q?", 10) + strings.Repeat("ü", 100), strings.Repeat("=?utf-8?q?", 10) + strings.Repeat("ü", 100), false},
		{"LongEncodedWordName", strings.Repeat("=?utf-8?q?", 12), strings.Repeat("=?utf-8?q?", 12), "plain", "plain", false},
		{"OnlyQuote", `"`, `"`, `"`, `"`, false},
		{"Parentheses", "Ana (comment) O'Brien", "Ana (comment) O'Brien", "(no comment)", "(no comment)", false},
	}
	// Every ticket and reply is in place before the worker starts, so that
	// no email goes out before a stored row has its hostile text.
	tickets := make([]db.Ticket, len(cases))
	for i, tc := range cases {
		to := fmt.Sprintf("case%d@example.com", i)
		if tc.stored {
			tickets[i] = d.storedTicket(t, tc.fullName, to, tc.subject, "es")
		} else {
			tickets[i] = d.ticket(t, tc.fullName, to, tc.subject, "es")
		}
		if _, err := d.db.AddMessage(ctx, tickets[i].ID, db.NewMessage{Body: "Ya lo revisamos."}, agent, 20); err != nil {
			t.Fatal(err)
		}
	}
	d.start(t)
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			to, tk := fmt.Sprintf("case%d@example.com", i), tickets[i]
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
// 5322, or written as encoded-words when it holds "=?", in From and in
// Reply-To alike, for strict and lenient readers; the envelope sender
// stays the bare address.
func TestHostileFromName(t *testing.T) {
	for _, tc := range []struct{ name, fromName string }{
		{"Specials", `Soporte "Kinconecta", Ayuda; <24h>`},
		{"EncodedWordBidi", "=?utf-8?b?4oCuS2luY29uZWN0YSBTZWN1cml0eQ==?="},
		{"EncodedWordNonASCII", "Soporte =?utf-8?q?Kinconecta?= Año"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newDesk(t)
			d.cfg.From = &netmail.Address{Name: tc.fromName, Address: "soporte@kinconecta.test"}
			d.start(t)
			tk := d.ticket(t, "Ana", "ana.martinez@example.com", "Hola", "en")
			d.settle(t, tk.ID)
			msgs := d.box.messages()
			if len(msgs) != 1 {
				t.Fatalf("%d emails, want 1; stopped rows: %s", len(msgs), d.stopped(t, tk.ID))
			}
			m := msgs[0]
			if m.From != "soporte@kinconecta.test" {
				t.Fatalf("envelope sender %q", m.From)
			}
			h := checkHeaders(t, m.Raw, "ana.martinez@example.com", "Ana", fmt.Sprintf("[Ticket #%d] Hola", tk.ID), tc.fromName)
			if h.Get("Reply-To") == "" {
				t.Fatalf("no Reply-To")
			}
		})
	}
}
