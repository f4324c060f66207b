package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	netmail "net/mail"
	"strconv"
	"strings"

	"github.com/abadojack/whatlanggo"
	"github.com/emersion/go-smtp"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/i18n"
)

// What a ticket opened by email is (CONTRACT §5, Email in).
const (
	emailCategory = "General Inquiry"
	emailRole     = "guest"
)

var (
	// errSenderRate holds back a sender past SupportPerHour. Temporary:
	// a person's mail server keeps the message and sends it again later,
	// when the hour has room, so nothing a person wrote is lost.
	errSenderRate = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 7, 1},
		Message: "Too many new requests from this address; try again later"}
	// errBadSender refuses a message whose From we could never answer.
	errBadSender = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 7},
		Message: "The sender's address is not one we can answer"}
)

// open makes a new ticket of an email to the support address: the
// requester is its sender, the subject and text are the email's, and the
// files those the listener kept. The requester gets the usual
// confirmation with the tracking link, and what was left out is noted
// and told as for replies. A second delivery of the same email opens
// nothing; a sender past SupportPerHour is answered 451.
func (in *inbound) open(ctx context.Context, sender db.Sender, rep reply, h netmail.Header) error {
	language := emailLanguage(h, headerText(rep.subject)+"\n"+rep.text)
	w := wordsFor(language)
	text, cut := shortened(rep.text, db.MaxMessageLen)
	switch {
	case text != "":
	case len(rep.uploads) > 0:
		text = w.FilesOnly
	case len(rep.leftOut) > 0:
		text = w.NoText
	default:
		// No ticket to note it on, nor to answer from: an empty email
		// asks nothing.
		in.log.Info("mail: dropped an empty message to the support address")
		return nil
	}
	subject := clip(headerText(rep.subject), db.MaxSubjectLen)
	if subject == "" {
		subject = w.NoSubject
	}
	name := sender.Name
	if name == "" {
		name = clip(sender.Address, db.MaxNameLen)
	}
	category := in.emailCategory(ctx)
	atts, err := keep(rep.uploads)
	if err != nil {
		if err != errStorageFull {
			in.log.Warn("mail: unable to keep an attachment of a new request", "err", err)
		}
		return err
	}
	tk, err := in.db.CreateEmailTicket(ctx, db.EmailTicket{
		NewTicket: db.NewTicket{RoleContext: emailRole, FullName: name, Email: sender.Address, Subject: subject,
			Category: category, Message: text, Language: language, Attachments: atts},
		MessageID: cleanMessageID(rep.messageID),
		LeftOut:   in.leftOutNote(w, sender, rep.leftOut, cut),
		PerHour:   in.cfg.SupportPerHour,
	})
	if err != nil {
		discard(rep.uploads)
		var invalid *db.Error
		switch {
		case errors.Is(err, db.ErrDuplicateEmail):
			in.log.Info("mail: this email opened a ticket before; answered 250 and stored nothing", "ticket", tk.ID)
			return nil
		case db.ErrorCode(err) == db.ERATELIMITED:
			in.log.Warn("mail: a sender opened too many tickets by email within the hour; answered 451 so their server retries later",
				"sender", sender.Address, "limit", in.cfg.SupportPerHour)
			return errSenderRate
		case db.ErrorCode(err) == db.ESTORAGEFULL:
			return errStorageFull
		case errors.As(err, &invalid) && invalid.Code == db.EINVALID:
			in.log.Info("mail: refused a message to the support address", "err", err)
			for _, f := range invalid.Fields {
				if f.Field == "email" {
					return errBadSender
				}
			}
			return errUnreadable
		}
		in.log.Warn("mail: unable to open a ticket from an email", "err", err)
		return errTryLater
	}
	in.log.Info("mail: ticket opened by email", "ticket", tk.ID, "files", len(atts), "left_out", len(rep.leftOut),
		"language", language)
	return nil
}

// emailCategory is General Inquiry, or, once an admin renamed or retired
// it, the first category the support form offers: an email must never be
// refused for the way the desk sorts its work.
func (in *inbound) emailCategory(ctx context.Context) string {
	if c, err := in.db.FindCategory(ctx, emailCategory); err == nil && !c.Retired {
		return c.Name
	}
	if cats, err := in.db.Categories(ctx); err == nil {
		for _, c := range cats {
			if !c.Retired {
				return c.Name
			}
		}
	}
	return emailCategory
}

// emailLanguage is the ticket's language from the email's header: its
// Content-Language, else the Accept-Language Outlook and others write;
// else the language text is written in, when it is clearly Spanish or
// English (Gmail and Apple Mail send neither header, and most of our
// requesters write Spanish); English otherwise.
func emailLanguage(h netmail.Header, text string) string {
	for _, tag := range strings.Split(h.Get("Content-Language"), ",") {
		if l, ok := i18n.Parse(tag); ok {
			return string(l)
		}
	}
	if accept := h.Get("Accept-Language"); accept != "" {
		return string(i18n.Match("", accept))
	}
	if info := whatlanggo.DetectWithOptions(text, ourLanguages); info.IsReliable() && info.Lang == whatlanggo.Spa {
		return string(i18n.ES)
	}
	return string(i18n.EN)
}

// ourLanguages limits detection to the two languages we answer in: a
// short text is then told apart by which of the two it reads as.
var ourLanguages = whatlanggo.Options{Whitelist: map[whatlanggo.Lang]bool{whatlanggo.Spa: true, whatlanggo.Eng: true}}

// threadedTicket is the ticket an email to the support address answers,
// when it is a reply to one of our emails after all (a person who wrote
// to the support address instead of the reply address): In-Reply-To or
// References names one of our Message-IDs (<ticket-N@domain>,
// <n-X.ticket-N@domain>, compose.go), ticket N is not closed, and the
// sender is its requester. Those ids are easy to guess, so the sender
// must match: anyone else opens a ticket of their own. 0 when none.
func (in *inbound) threadedTicket(ctx context.Context, h netmail.Header, sender db.Sender) int64 {
	_, domain, _ := strings.Cut(in.from, "@")
	if domain == "" {
		return 0
	}
	ids := strings.Fields(h.Get("In-Reply-To") + " " + h.Get("References"))
	for i := len(ids) - 1; i >= 0; i-- {
		local, host, ok := strings.Cut(strings.Trim(ids[i], "<>"), "@")
		if !ok || !strings.EqualFold(host, domain) {
			continue
		}
		if _, rest, found := strings.Cut(local, ".ticket-"); found && strings.HasPrefix(local, "n-") {
			local = "ticket-" + rest
		}
		n, err := strconv.ParseInt(strings.TrimPrefix(local, "ticket-"), 10, 64)
		if !strings.HasPrefix(local, "ticket-") || err != nil || n <= 0 {
			continue
		}
		t, err := in.db.Ticket(ctx, n, false)
		if err != nil || t.Status == db.StatusClosed || !strings.EqualFold(t.Email, sender.Address) {
			return 0
		}
		return n
	}
	return 0
}

// leftOutNote is the system message naming what an email brought that was
// not kept, and why, in w's language: the files and parts the parser left
// out, and the end of a text too long to keep whole. "" when nothing was
// left out.
func (in *inbound) leftOutNote(w *words, sender db.Sender, items []leftOut, textCut bool) string {
	if len(items) == 0 && !textCut {
		return ""
	}
	who := sender.Name
	if who == "" {
		who = sender.Address
	}
	lines := []string{fmt.Sprintf(w.LeftOutNote, who)}
	for _, it := range items {
		name := clip(headerText(it.name), db.MaxFileNameLen)
		if name == "" {
			name = w.LeftOutUnnamed
		}
		var why string
		switch it.reason {
		case leftOutType:
			why = w.LeftOutType
		case leftOutSize:
			why = fmt.Sprintf(w.LeftOutSize, sizeText(in.cfg.MaxFileBytes))
		case leftOutQuota:
			why = fmt.Sprintf(w.LeftOutQuota, in.cfg.MaxFiles)
		default:
			why = w.LeftOutUnreadable
		}
		lines = append(lines, "- "+name+": "+why)
	}
	if textCut {
		lines = append(lines, "- "+fmt.Sprintf(w.LeftOutText, db.MaxMessageLen))
	}
	note, _ := shortened(strings.Join(lines, "\n"), db.MaxMessageLen)
	return note
}

// sizeText writes a file size limit as people read it: "10 MB", or "512 KB"
// under a megabyte.
func sizeText(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d KB", (n+1023)>>10)
}

// headerTap keeps a copy of a message's header as the parser reads it,
// for what the reply struct does not carry (the language).
// It holds at most maxTappedHeader bytes, so memory stays flat.
type headerTap struct {
	r    io.Reader
	buf  []byte
	done bool
}

const maxTappedHeader = 64 << 10

func (t *headerTap) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if !t.done && n > 0 {
		from := max(len(t.buf)-3, 0)
		t.buf = append(t.buf, p[:n]...)
		if i := headerEnd(t.buf, from); i >= 0 {
			t.buf, t.done = t.buf[:i], true
		} else if len(t.buf) > maxTappedHeader {
			t.buf, t.done = t.buf[:maxTappedHeader], true
		}
	}
	return n, err
}

// headerEnd is where the blank line that ends the header starts, looking
// from from on; -1 before it arrived.
func headerEnd(b []byte, from int) int {
	for i := from; i < len(b); i++ {
		if b[i] != '\n' {
			continue
		}
		if rest := b[i+1:]; bytes.HasPrefix(rest, []byte("\n")) || bytes.HasPrefix(rest, []byte("\r\n")) {
			return i + 1
		}
	}
	return -1
}

// header parses what was tapped; empty when it cannot be read.
func (t *headerTap) header() netmail.Header {
	msg, err := netmail.ReadMessage(bytes.NewReader(append(t.buf[:len(t.buf):len(t.buf)], "\r\n\r\n"...)))
	if err != nil {
		return netmail.Header{}
	}
	return msg.Header
}
