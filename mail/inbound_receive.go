package mail

import (
	"context"
	"errors"
	"io"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-smtp"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/filestore"
)

// receive turns one email from remote (the client's address, for the
// log) into a requester message on ticketID. The files are streamed to the
// temporary folder while the message is read, kept only once the whole
// message arrived within the size limit, and discarded if the message is
// not stored.
func (in *inbound) receive(ticketID int64, from, remote string, data io.Reader) error {
	src := &stickyReader{r: data}
	room := in.cfg.MaxFiles
	actx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	// A reply is public: internal notes' files have a room of their own
	// and leave this one alone.
	if atts, err := in.db.Attachments(actx, ticketID, false); err == nil {
		room -= len(atts)
	}
	cancel()
	p := &parser{files: in.files, src: src, maxFileBytes: in.cfg.MaxFileBytes, room: max(room, 0), log: in.log}
	rep, parseErr := p.parse()
	// Read to the end, so a message over the limit is refused before
	// anything is stored.
	io.Copy(io.Discard, src)
	discard := func() {
		for _, u := range rep.uploads {
			u.Discard()
		}
	}
	var se *smtp.SMTPError
	switch {
	case errors.As(src.err, &se):
		discard()
		return se
	case src.err != nil:
		discard()
		// The connection broke or went silent: the sender tries again
		// later. The error names addresses only, never content.
		in.log.Warn("mail: reading a reply failed; answered 451 so the sender retries",
			"remote", remote, "ticket", ticketID, "err", src.err)
		return errTryLater
	case db.IsStorageFull(parseErr):
		// Storing the reply without the file that did not fit would lose
		// it for good; a 452 makes the sender's server keep the whole
		// reply and send it again later.
		discard()
		return in.storageFull(remote, ticketID)
	case rep.automatic || from == "":
		// Out-of-office answers and bounces are not replies.
		discard()
		in.log.Info("mail: dropped an automatic message", "ticket", ticketID)
		return nil
	case parseErr != nil && rep.text == "":
		discard()
		in.log.Info("mail: refused an unreadable message", "ticket", ticketID, "err", parseErr)
		return errUnreadable
	}
	body := shorten(stripQuoted(rep.text), db.MaxMessageLen)
	if body == "" {
		discard()
		in.log.Info("mail: dropped an empty reply", "ticket", ticketID)
		return nil
	}
	// Timed from here: reading a big message on a slow link may take long.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := in.store(ctx, ticketID, body, rep.uploads)
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

// store keeps the files and adds the message that names them.
func (in *inbound) store(ctx context.Context, ticketID int64, body string, uploads []*filestore.Upload) error {
	discard := func() {
		for _, u := range uploads {
			u.Discard()
		}
	}
	t, err := in.db.Ticket(ctx, ticketID, false)
	if err != nil {
		discard()
		if db.ErrorCode(err) == db.ENOTFOUND {
			return errNoMailbox
		}
		return errTryLater
	}
	atts := make([]db.NewAttachment, 0, len(uploads))
	for _, u := range uploads {
		if err := u.Keep(); err != nil {
			discard()
			if db.IsStorageFull(err) {
				return errStorageFull
			}
			in.log.Warn("mail: unable to keep an attachment", "ticket", ticketID, "err", err)
			return errTryLater
		}
		atts = append(atts, u.Attachment())
	}
	m, err := in.db.AddMessage(ctx, ticketID, db.NewMessage{Body: body, Attachments: atts},
		db.Actor{Type: "requester", Name: t.FullName}, in.cfg.MaxFiles)
	if err != nil {
		discard()
		switch db.ErrorCode(err) {
		case db.ECONFLICT:
			return in.closedRefusal(t.Language)
		case db.EINVALID:
			return errUnreadable
		case db.ESTORAGEFULL:
			return errStorageFull
		}
		// ETOOLARGE too: the files arrived while we read; next time the
		// room is counted again.
		in.log.Warn("mail: unable to add a reply", "ticket", ticketID, "err", err)
		return errTryLater
	}
	in.log.Info("mail: reply added", "ticket", ticketID, "message", m.ID, "files", len(atts))
	return nil
}

// shorten cuts text to at most n characters, marking the cut, rather than
// bounce a long reply.
func shorten(text string, n int) string {
	if utf8.RuneCountInString(text) <= n {
		return text
	}
	const mark = "\n[…]"
	r := []rune(text)
	return string(r[:n-utf8.RuneCountInString(mark)]) + mark
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
