package mail

import (
	"context"
	"errors"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-smtp"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/filestore"
)

// receive turns one email from remote (the client's address, for the
// log) into a message on ticketID or, when ticketID is 0 (the support
// address), into a new ticket. The files are streamed to the temporary
// folder while the message is read, kept only once the whole message
// arrived within the size limit, and discarded if nothing is stored.
func (in *inbound) receive(ticketID int64, from, remote string, data io.Reader) error {
	tap := &headerTap{r: data}
	src := &stickyReader{r: tap}
	room := in.cfg.MaxFiles
	var stored []db.Attachment
	if ticketID != 0 {
		actx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		// A reply is public: internal notes' files have a room of their
		// own and leave this one alone.
		if atts, err := in.db.Attachments(actx, ticketID, false); err == nil {
			room, stored = room-len(atts), atts
		}
		cancel()
	}
	// stored lets the parser know a signature image the ticket holds
	// already, which it then neither stores nor counts again.
	p := &parser{files: in.files, src: src, maxFileBytes: in.cfg.MaxFileBytes, room: max(room, 0), stored: stored, log: in.log}
	rep, parseErr := p.parse()
	// Read to the end, so a message over the limit is refused before
	// anything is stored.
	io.Copy(io.Discard, src)
	var se *smtp.SMTPError
	switch {
	case errors.As(src.err, &se):
		discard(rep.uploads)
		return se
	case src.err != nil:
		discard(rep.uploads)
		// The connection broke or went silent: the sender tries again
		// later. The error names addresses only, never content.
		in.log.Warn("mail: reading a reply failed; answered 451 so the sender retries",
			"remote", remote, "ticket", ticketID, "err", src.err)
		return errTryLater
	case db.IsStorageFull(parseErr):
		// Storing the reply without the file that did not fit would lose
		// it for good; a 452 makes the sender's server keep the whole
		// reply and send it again later.
		discard(rep.uploads)
		return in.storageFull(remote, ticketID)
	case rep.automatic || from == "":
		// Out-of-office answers, bounces (MAIL FROM:<>) and list mail are
		// no person's words: answering them could loop for ever.
		discard(rep.uploads)
		in.log.Info("mail: dropped an automatic message", "ticket", ticketID, "remote", remote)
		return nil
	case parseErr != nil && rep.text == "":
		discard(rep.uploads)
		in.log.Info("mail: refused an unreadable message", "ticket", ticketID, "err", parseErr)
		return errUnreadable
	}
	sender := senderOf(rep, from)
	if in.ours(sender.Address) {
		// Our own emails coming back (a forward, a misconfigured relay):
		// storing or answering them would start a loop.
		discard(rep.uploads)
		in.log.Info("mail: dropped a message from one of our own addresses", "ticket", ticketID, "remote", remote)
		return nil
	}
	// Timed from here: reading a big message on a slow link may take long.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var err error
	if ticketID == 0 {
		if id := in.threadedTicket(ctx, tap.header(), sender); id != 0 {
			in.log.Info("mail: a reply came to the support address; added to the ticket it answers", "ticket", id)
			ticketID = id
			err = in.store(ctx, ticketID, sender, rep)
		} else {
			err = in.open(ctx, sender, rep, tap.header())
		}
	} else {
		err = in.store(ctx, ticketID, sender, rep)
	}
	if err == errStorageFull {
		return in.storageFull(remote, ticketID)
	}
	return err
}

// storageFull answers a reply the disk had no room for, and tells the
// operator, who has to make room before the sender's retries give up.
func (in *inbound) storageFull(remote string, ticketID int64) error {
	in.log.Warn("mail: storage is full: reply refused for now (452), the sender will retry",
		"remote", remote, "ticket", ticketID)
	return errStorageFull
}

// store adds a reply to its ticket: the sender's message with the files
// kept, a system message naming what was left out, and the one email
// that tells the sender either, or that nothing was left of the reply
// (CONTRACT §5). A second delivery of an email stores nothing.
func (in *inbound) store(ctx context.Context, ticketID int64, sender db.Sender, rep reply) error {
	t, err := in.db.Ticket(ctx, ticketID, false)
	if err != nil {
		discard(rep.uploads)
		if db.ErrorCode(err) == db.ENOTFOUND {
			return errNoMailbox
		}
		return errTryLater
	}
	w := wordsFor(t.Language)
	body, cut := shortened(rep.text, db.MaxMessageLen)
	if body == "" && len(rep.uploads) > 0 {
		body = w.FilesOnly
	}
	atts, err := keep(rep.uploads)
	if err != nil {
		if err != errStorageFull {
			in.log.Warn("mail: unable to keep an attachment", "ticket", ticketID, "err", err)
		}
		return err
	}
	res, err := in.db.AddEmailReply(ctx, ticketID, db.EmailReply{
		MessageID: cleanMessageID(rep.messageID), From: sender, Body: body, Attachments: atts,
		LeftOut: in.leftOutNote(w, sender, rep.leftOut, cut),
	}, in.cfg.MaxFiles)
	if err != nil {
		discard(rep.uploads)
		switch {
		case errors.Is(err, db.ErrDuplicateEmail):
			in.log.Info("mail: this email was stored before; answered 250 and stored nothing", "ticket", ticketID)
			return nil
		case db.ErrorCode(err) == db.ECONFLICT:
			return in.closedRefusal(t.Language)
		case db.ErrorCode(err) == db.EINVALID:
			return errUnreadable
		case db.ErrorCode(err) == db.ESTORAGEFULL:
			return errStorageFull
		}
		// ETOOLARGE too: the files arrived while we read; next time the
		// room is counted again.
		in.log.Warn("mail: unable to add a reply", "ticket", ticketID, "err", err)
		return errTryLater
	}
	switch {
	case res.Message != nil:
		in.log.Info("mail: reply added", "ticket", ticketID, "message", res.Message.ID, "files", len(atts),
			"left_out", len(rep.leftOut), "notice", res.Notice)
	case res.System != nil:
		in.log.Info("mail: nothing of a reply could be kept; noted on the ticket", "ticket", ticketID,
			"left_out", len(rep.leftOut), "notice", res.Notice)
	default:
		in.log.Info("mail: dropped an empty reply", "ticket", ticketID, "notice", res.Notice)
	}
	return nil
}

// senderOf is who sent the email: its From, else the envelope's sender.
func senderOf(rep reply, envelope string) db.Sender {
	if rep.from.Address != "" {
		return db.Sender{Name: clip(headerText(rep.from.Name), db.MaxNameLen), Address: rep.from.Address}
	}
	return db.Sender{Address: envelope}
}

// ours reports whether addr is one of the helpdesk's own: the support
// address, the From of its emails, or any address of the reply domain.
// Mail from them is never stored, and nothing is ever sent to them.
func (in *inbound) ours(addr string) bool {
	addr = strings.ToLower(strings.TrimSpace(addr))
	at := strings.LastIndexByte(addr, '@')
	return addr != "" && (addr == in.support || addr == in.from ||
		at >= 0 && strings.TrimSuffix(addr[at+1:], ".") == in.replies.domain)
}

// keep moves the uploads into place, or none of them.
func keep(uploads []*filestore.Upload) ([]db.NewAttachment, error) {
	atts := make([]db.NewAttachment, 0, len(uploads))
	for _, u := range uploads {
		if err := u.Keep(); err != nil {
			discard(uploads)
			if db.IsStorageFull(err) {
				return nil, errStorageFull
			}
			return nil, errTryLater
		}
		atts = append(atts, u.Attachment())
	}
	return atts, nil
}

// discard removes uploads, kept or not.
func discard(uploads []*filestore.Upload) {
	for _, u := range uploads {
		u.Discard()
	}
}

// shortened cuts text to at most n characters, marking the cut, rather
// than bounce a long reply; cut reports it, so the sender is told.
func shortened(text string, n int) (string, bool) {
	if utf8.RuneCountInString(text) <= n {
		return text, false
	}
	const mark = "\n[…]"
	r := []rune(text)
	return string(r[:n-utf8.RuneCountInString(mark)]) + mark, true
}

// clip cuts a one-line text (a name, a subject) to n characters.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return strings.TrimSpace(string([]rune(s)[:n-1])) + "…"
}

// cleanMessageID is a Message-ID fit to store and to write back into an
// In-Reply-To header: printable ASCII without spaces or angle brackets,
// at most 250 characters; "" for anything else, which is then not
// recognised again (RFC 5322 ids are all of that form).
func cleanMessageID(id string) string {
	id = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(id), "<"), ">")
	if id == "" || len(id) > 250 {
		return ""
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; c <= ' ' || c >= 0x7f || c == '<' || c == '>' {
			return ""
		}
	}
	return id
}

// stickyReader remembers the first error of the SMTP data stream (the
// size limit above all), however the MIME readers above it report it.
type stickyReader struct {
	r   io.Reader
	err error
}

func (s *stickyReader) Read(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF {
		s.err = err
	}
	return n, err
}
