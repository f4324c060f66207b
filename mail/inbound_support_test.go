package mail

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"

	"github.com/kinconecta/helpdesk/db"
)

const testSupport = "soporte@kinconecta.test"

// supportDesk is a running desk that opens tickets from mail to
// testSupport.
func supportDesk(t *testing.T) *testDesk {
	t.Helper()
	d := newDesk(t)
	d.cfg.SupportAddress = testSupport
	d.cfg.Inbound.SupportPerHour = DefaultSupportPerHour
	return d
}

// emailTickets lists the tickets, newest first.
func emailTickets(t *testing.T, d *testDesk) []db.Ticket {
	t.Helper()
	page, err := d.db.ListTickets(context.Background(), db.TicketFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return page.Tickets
}

// TestSupportOpensTicket: a person's email to the support address opens
// a ticket (requester from From, subject, text, files; General Inquiry,
// guest, the language its header names) and its sender gets the usual
// confirmation with the tracking link, answering their email. (Needs the
// parser's from, subject and messageID.)
func TestSupportOpensTicket(t *testing.T) {
	d := supportDesk(t)
	d.start(t)
	pic := testPNG(t)
	raw := `From: "Martínez, Ana" <ana.martinez@example.com>
To: Kinconecta <` + testSupport + `>
Subject: =?utf-8?q?Reembolso_de_mi_excursi=C3=B3n?=
Message-ID: <CAF-new-1@mail.example.com>
Content-Language: es-MX
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: text/plain; charset=utf-8

Hola, la excursión del viernes se canceló.
¿Me devuelven el dinero?
--b
Content-Type: image/png; name="recibo.png"
Content-Disposition: attachment; filename="recibo.png"
Content-Transfer-Encoding: base64

` + strings.ReplaceAll(b64(pic), "\r\n", "\n") + `--b--
`
	if err := deliver(t, d, "ana.martinez@example.com", strings.ToUpper(testSupport), raw); err != nil {
		t.Fatal(err)
	}
	got := emailTickets(t, d)
	if len(got) != 1 {
		t.Fatalf("%d tickets, want 1", len(got))
	}
	tk, err := d.db.Ticket(context.Background(), got[0].ID, true)
	if err != nil {
		t.Fatal(err)
	}
	want := db.Ticket{FullName: "Martínez, Ana", Email: "ana.martinez@example.com", Subject: "Reembolso de mi excursión",
		Message: "Hola, la excursión del viernes se canceló.\n¿Me devuelven el dinero?", Category: "General Inquiry",
		RoleContext: "guest", Language: "es", Status: db.StatusOpen}
	if tk.FullName != want.FullName || tk.Email != want.Email || tk.Subject != want.Subject || tk.Message != want.Message ||
		tk.Category != want.Category || tk.RoleContext != want.RoleContext || tk.Language != want.Language || tk.Status != want.Status {
		t.Fatalf("ticket = %+v\nwant     %+v", tk, want)
	}
	if len(tk.Attachments) != 1 || tk.Attachments[0].FileName != "recibo.png" || tk.Attachments[0].FileSize != int64(len(pic)) {
		t.Fatalf("files = %+v, want recibo.png", tk.Attachments)
	}

	d.settle(t, tk.ID)
	confirm := mailTo(d.box, "ana.martinez@example.com", "["+"Ticket #"+itoa(tk.ID)+"]")
	if len(confirm) != 1 {
		t.Fatalf("%d emails to the sender, want the confirmation (stopped: %s)", len(confirm), d.stopped(t, tk.ID))
	}
	c := confirm[0]
	if !strings.Contains(c.Text, "Recibimos tu solicitud") {
		t.Fatalf("the confirmation is not in Spanish:\n%s", c.Text)
	}
	d.trackToken(t, c.Text, tk.ID)
	if got, want := c.Get("In-Reply-To"), "<CAF-new-1@mail.example.com>"; got != want {
		t.Fatalf("In-Reply-To = %q, want %q: the confirmation answers the person's email", got, want)
	}
	if got, want := c.Get("Message-Id"), "<ticket-"+itoa(tk.ID)+"@kinconecta.test>"; got != want {
		t.Fatalf("Message-ID = %q, want the thread's root %q", got, want)
	}
	if a, err := netmail.ParseAddress(c.Get("Reply-To")); err != nil || a.Address != d.replyAddress(t, tk.ID) {
		t.Fatalf("Reply-To = %q, want the ticket's reply address", c.Get("Reply-To"))
	}
}

// TestSupportDefaults: without a subject, a name or a language, the
// ticket still opens: "(no subject)", the address as the name, English.
// (Needs the parser's from.)
func TestSupportDefaults(t *testing.T) {
	d := supportDesk(t)
	d.start(t)
	raw := "From: luis@example.com\nMessage-ID: <plain-1@example.com>\n\nMy booking code does not work.\n"
	if err := deliver(t, d, "luis@example.com", testSupport, raw); err != nil {
		t.Fatal(err)
	}
	got := emailTickets(t, d)
	if len(got) != 1 {
		t.Fatalf("%d tickets, want 1", len(got))
	}
	if tk := got[0]; tk.Subject != "(no subject)" || tk.FullName != "luis@example.com" || tk.Language != "en" ||
		tk.Message != "My booking code does not work." {
		t.Fatalf("ticket = %+v", tk)
	}
}

// TestSupportLoopProtection: bounces, autoresponders, list mail and mail
// from our own addresses are accepted (250: nothing to retry) and open
// no ticket, and nothing is sent back.
func TestSupportLoopProtection(t *testing.T) {
	d := supportDesk(t)
	logs := &logBuffer{}
	d.log = slog.New(slog.NewTextHandler(logs, nil))
	d.start(t)
	for _, tc := range []struct{ name, mailFrom, raw string }{
		{"Bounce", "", "From: MAILER-DAEMON@mx.example.com\nSubject: Undelivered Mail Returned to Sender\n\nThis is the mail system.\n"},
		{"Autoresponder", "ana@example.com", "From: ana@example.com\nSubject: Out of office\nAuto-Submitted: auto-replied\n\nI am away until Monday.\n"},
		{"ListId", "owner-travel@lists.example.org", "From: news@example.org\nSubject: Weekly deals\nList-Id: Travel deals <travel.lists.example.org>\n\nDeals!\n"},
		{"ListUnsubscribe", "news@example.org", "From: news@example.org\nSubject: Deals\nList-Unsubscribe: <mailto:unsubscribe@example.org>\n\nDeals!\n"},
		{"SupportAddress", testSupport, "From: " + testSupport + "\nSubject: Hello\n\nA loop.\n"},
		{"ReplyDomain", "reply+1.abc@help.kinconecta.test", "From: reply+1.abc@help.kinconecta.test\nSubject: Hello\n\nA loop.\n"},
		{"OurFrom", "soporte@kinconecta.test", "From: Kinconecta Soporte <soporte@kinconecta.test>\nSubject: [Ticket #1] Hello\n\nA loop.\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := deliver(t, d, tc.mailFrom, testSupport, tc.raw); err != nil {
				t.Fatalf("answered %v, want 250", err)
			}
		})
	}
	if got := emailTickets(t, d); len(got) != 0 {
		t.Fatalf("%d tickets opened, want none", len(got))
	}
	if n := len(d.box.messages()); n != 0 {
		t.Fatalf("%d emails sent, want none", n)
	}
	waitForLog(t, logs, "mail: dropped an automatic message")
}

// TestSupportSenderRate: one sender opens at most SupportPerHour tickets
// by email an hour; past it the listener answers 451 4.7.1, so a person's
// server delivers later, and logs it. The count is in the database: a
// restart does not reset it. Other senders are not held back. (Needs the
// parser's messageID.)
func TestSupportSenderRate(t *testing.T) {
	dir := t.TempDir()
	d := newDeskOn(t, dir)
	d.cfg.SupportAddress = testSupport
	d.cfg.Inbound.SupportPerHour = 2
	logs := &logBuffer{}
	d.log = slog.New(slog.NewTextHandler(logs, nil))
	svc := d.start(t)
	send := func(from string, n int) error {
		raw := fmt.Sprintf("From: %s\nSubject: Question %d\nMessage-ID: <q%d.%s>\n\nQuestion number %d.\n", from, n, n, from, n)
		return deliver(t, d, from, testSupport, raw)
	}
	for i := range 2 {
		if err := send("ana@example.com", i); err != nil {
			t.Fatal(err)
		}
	}
	err := send("Ana+trips@example.com", 2)
	if smtpCode(err) != 451 || !strings.Contains(err.Error(), "4.7.1") {
		t.Fatalf("third ticket within the hour answered %v, want 451 4.7.1", err)
	}
	waitForLog(t, logs, "opened too many tickets by email")
	if err := send("luis@example.com", 3); err != nil {
		t.Fatalf("another sender: %v", err)
	}

	svc.Stop()
	d.start(t)
	if err := send("ana@example.com", 4); smtpCode(err) != 451 {
		t.Fatalf("after a restart answered %v, want 451 still", err)
	}
	if n := len(emailTickets(t, d)); n != 3 {
		t.Fatalf("%d tickets, want 3", n)
	}
}

// TestSupportDuplicateDelivery: the same email delivered again, even on
// several connections at once, opens one ticket and sends one
// confirmation. (Needs the parser's from and messageID.)
func TestSupportDuplicateDelivery(t *testing.T) {
	d := supportDesk(t)
	d.start(t)
	raw := "From: Ana <ana@example.com>\nSubject: Refund\nMessage-ID: <dup-new@example.com>\n\nPlease refund my tour.\n"
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = deliver(t, d, "ana@example.com", testSupport, raw)
		}()
	}
	wg.Wait()
	errs = append(errs, deliver(t, d, "ana@example.com", testSupport, raw))
	for i, err := range errs {
		if err != nil {
			t.Fatalf("delivery %d answered %v, want 250", i+1, err)
		}
	}
	got := emailTickets(t, d)
	if len(got) != 1 {
		t.Fatalf("%d tickets, want 1", len(got))
	}
	d.settle(t, got[0].ID)
	if n := len(mailTo(d.box, "ana@example.com", "")); n != 1 {
		t.Fatalf("%d emails to the sender, want one confirmation", n)
	}
}

// TestSupportEmpty: an email to the support address with nothing in it
// opens nothing.
func TestSupportEmpty(t *testing.T) {
	d := supportDesk(t)
	d.start(t)
	if err := deliver(t, d, "ana@example.com", testSupport, "From: ana@example.com\nSubject: \n\n\n"); err != nil {
		t.Fatalf("answered %v, want 250", err)
	}
	if got := emailTickets(t, d); len(got) != 0 {
		t.Fatalf("tickets = %+v, want none", got)
	}
}

// TestSupportRecipients: the support address is taken besides reply
// addresses, in any case, but a message goes to one place: a reply
// address after the support address (or the other way) is put off with
// 452 for the sender to send separately. Without a support address it is
// no mailbox.
func TestSupportRecipients(t *testing.T) {
	d := supportDesk(t)
	d.start(t)
	tk := d.ticket(t, "Ana", "ana@example.com", "Hello", "en")
	replyTo := d.replyAddress(t, tk.ID)
	for _, tc := range []struct {
		name string
		rcpt []string
		want []int
	}{
		{"Support", []string{"Soporte@Kinconecta.test"}, []int{250}},
		{"SupportTwice", []string{testSupport, testSupport}, []int{250, 250}},
		{"SupportThenReply", []string{testSupport, replyTo}, []int{250, 452}},
		{"ReplyThenSupport", []string{replyTo, testSupport}, []int{250, 452}},
		{"ErrOtherAddress", []string{"ventas@kinconecta.test"}, []int{550}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := dialRaw(t, d)
			r.cmd("MAIL FROM:<ana@example.com>", 250)
			for i, to := range tc.rcpt {
				if code, msg := r.ask("RCPT TO:<" + to + ">"); code != tc.want[i] {
					t.Fatalf("RCPT TO:<%s> answered %d %s, want %d", to, code, msg, tc.want[i])
				}
			}
			r.cmd("QUIT", 221)
		})
	}
	t.Run("ErrNotConfigured", func(t *testing.T) {
		d := newDesk(t)
		d.start(t)
		err := deliver(t, d, "ana@example.com", testSupport, "Subject: Hello\n\nHi\n")
		if smtpCode(err) != 550 {
			t.Fatalf("answered %v, want 550", err)
		}
	})
}

// TestSupportConfig: --support-address needs the listener and a bare
// address; the rate per sender never exceeds the confirmation limit, so
// the confirmation of a ticket opened by email is not held back.
func TestSupportConfig(t *testing.T) {
	base := Settings{BaseURL: testBaseURL, Listen: "127.0.0.1:0", ConfirmPerAddress: DefaultConfirmPerAddress}
	for _, tc := range []struct {
		name     string
		edit     func(*Settings)
		want     string
		wantRate int
	}{
		{"OK", func(s *Settings) { s.SupportAddress = " Soporte@Kinconecta.com " }, "soporte@kinconecta.com", DefaultSupportPerHour},
		{"Off", func(s *Settings) {}, "", DefaultSupportPerHour},
		{"LowerConfirmLimit", func(s *Settings) { s.SupportAddress = "help@example.com"; s.ConfirmPerAddress = 2 }, "help@example.com", 2},
		{"ConfirmLimitOff", func(s *Settings) { s.SupportAddress = "help@example.com"; s.ConfirmPerAddress = 0 }, "help@example.com", DefaultSupportPerHour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := base
			tc.edit(&s)
			c, err := ParseConfig(s)
			if err != nil {
				t.Fatal(err)
			}
			if c.SupportAddress != tc.want || c.Inbound.SupportPerHour != tc.wantRate {
				t.Fatalf("support %q, rate %d; want %q, %d", c.SupportAddress, c.Inbound.SupportPerHour, tc.want, tc.wantRate)
			}
		})
	}
	for _, tc := range []struct {
		name string
		edit func(*Settings)
	}{
		{"ErrNoListener", func(s *Settings) { s.SupportAddress = "help@example.com"; s.Listen = "" }},
		{"ErrName", func(s *Settings) { s.SupportAddress = "Help <help@example.com>" }},
		{"ErrNoDomain", func(s *Settings) { s.SupportAddress = "help" }},
		{"ErrBadDomain", func(s *Settings) { s.SupportAddress = "help@exa_mple.com" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := base
			tc.edit(&s)
			if _, err := ParseConfig(s); err == nil || !strings.Contains(err.Error(), "--support-address") {
				t.Fatalf("ParseConfig = %v, want an error naming --support-address", err)
			}
		})
	}
}

// TestEmailLanguage: the ticket's language from the header, else from
// the text when it clearly reads as Spanish.
func TestEmailLanguage(t *testing.T) {
	const es, en = "No puedo iniciar sesión en mi cuenta desde ayer", "My tour was cancelled and I want a refund"
	for _, tc := range []struct{ name, header, text, want string }{
		{"None", "", "", "en"},
		{"ContentLanguage", "Content-Language: es-MX\n", en, "es"},
		{"ContentLanguageUpper", "Content-Language: ES\n", "", "es"},
		{"ContentLanguageList", "Content-Language: fr, es\n", "", "es"},
		{"ContentLanguageEnglish", "Content-Language: en-GB\nAccept-Language: es-ES\n", es, "en"},
		{"AcceptLanguage", "Accept-Language: es-ES, en-US\n", en, "es"},
		{"AcceptLanguageOther", "Accept-Language: de-DE\n", es, "en"},
		// Gmail and Apple Mail name no language: the text does.
		{"SpanishText", "", es, "es"},
		{"EnglishText", "", en, "en"},
		{"TooShortToTell", "", "Hola", "en"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tap := &headerTap{r: strings.NewReader(crlf("From: a@example.com\n" + tc.header + "\nBody\n"))}
			io.Copy(io.Discard, tap)
			if got := emailLanguage(tap.header(), tc.text); got != tc.want {
				t.Fatalf("emailLanguage = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestSupportReplyJoinsTicket: a reply to one of our emails sent to the
// support address instead of the reply address (In-Reply-To and
// References name the ticket's Message-IDs) joins that ticket when its
// requester sent it; from anyone else, or to a closed ticket, it opens a
// ticket of its own, since those ids are easy to guess.
func TestSupportReplyJoinsTicket(t *testing.T) {
	d := supportDesk(t)
	d.start(t)
	ctx := context.Background()
	tk := d.ticket(t, "Ana", "ana@example.com", "No puedo entrar", "es")
	domain := testSupport[strings.IndexByte(testSupport, '@')+1:]
	if d.cfg.From != nil {
		domain = d.cfg.From.Address[strings.IndexByte(d.cfg.From.Address, '@')+1:]
	}
	reply := func(from, msgID string) string {
		return fmt.Sprintf("From: %s\nSubject: Re: [Ticket #%d] No puedo entrar\nMessage-ID: <%s@example.com>\n"+
			"In-Reply-To: <n-7.ticket-%d@%s>\nReferences: <ticket-%d@%s> <n-7.ticket-%d@%s>\n\nYa lo intenté dos veces.\n",
			from, tk.ID, msgID, tk.ID, domain, tk.ID, domain, tk.ID, domain)
	}
	if err := deliver(t, d, "ana@example.com", testSupport, reply("Ana <ANA@example.com>", "r1")); err != nil {
		t.Fatal(err)
	}
	if got := emailTickets(t, d); len(got) != 1 {
		t.Fatalf("%d tickets after the requester's reply, want it added to #%d", len(got), tk.ID)
	}
	msgs, err := d.db.Messages(ctx, tk.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) == 0 || msgs[len(msgs)-1].Body != "Ya lo intenté dos veces." {
		t.Fatalf("messages %+v, want the reply on #%d", msgs, tk.ID)
	}
	if err := deliver(t, d, "eve@example.com", testSupport, reply("Eve <eve@example.com>", "r2")); err != nil {
		t.Fatal(err)
	}
	got := emailTickets(t, d)
	if len(got) != 2 || got[0].Email != "eve@example.com" {
		t.Fatalf("a stranger naming #%d's ids: tickets %+v, want a new ticket of her own", tk.ID, got)
	}
}
