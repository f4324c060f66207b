package mail

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"strings"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/filestore"
	"github.com/kinconecta/helpdesk/mail/tnef"
)

// signatureImageMax is the size up to which an image shown in place is
// taken for part of a signature when it repeats (see signatureImage).
// Logos and social icons weigh 1–15 KiB; a photo or a screenshot more.
const signatureImageMax = 20 << 10

// sniffLen is how much of a file is read to name it from its type.
const sniffLen = 3072

// attachment is one file part as the walk met it.
type attachment struct {
	name     string // as sent, decoded; "" when it has none
	declared string // the Content-Type it came with
	inline   bool   // shown in place: Content-Disposition inline, or its Content-ID in the HTML
	unpack   bool   // a winmail.dat here is opened (not inside another)
	body     io.Reader
}

// outcome says what became of a file: kept (upload), named in leftOut
// (left, its index), or neither (left -1: a signature image again).
type outcome struct {
	upload *filestore.Upload
	left   int
}

// file streams one file into the store, or says why not in leftOut. The
// errors are the message's (p.src.err), a full disk and our own; a file
// refused for what it is never stops the message.
func (p *parser) file(a attachment) (outcome, error) {
	out := outcome{left: -1}
	head := make([]byte, sniffLen)
	n, err := io.ReadFull(a.body, head)
	head = head[:n]
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		if p.src.err != nil {
			return out, p.src.err
		}
		out.left = p.leave(p.nameOr(a.name, "application/octet-stream"), leftOutUnreadable)
		return out, nil
	}
	if n == 0 {
		// An empty file: there is nothing to keep, and the sender should
		// know the file did not come through.
		out.left = p.leave(p.nameOr(a.name, "application/octet-stream"), leftOutUnreadable)
		return out, nil
	}
	detected := filestore.DetectType(head)
	name := p.nameOr(a.name, detected)
	body := io.MultiReader(bytes.NewReader(head), a.body)
	switch {
	case a.unpack && tnef.IsTNEF(head):
		return out, p.unpackTNEF(name, body)
	case a.unpack && isTNEF(a.name, a.declared):
		out.left = p.leave(name, leftOutUnreadable) // says winmail.dat, is not
		return out, nil
	case !db.IsAllowedType(detected):
		out.left = p.leave(name, leftOutType)
		return out, nil
	}
	if a.inline && strings.HasPrefix(detected, "image/") {
		small, err := io.ReadAll(io.LimitReader(body, signatureImageMax+1))
		if err != nil {
			if p.src.err != nil {
				return out, p.src.err
			}
			out.left = p.leave(name, leftOutUnreadable)
			return out, nil
		}
		if len(small) <= signatureImageMax && p.signatureImage(small) {
			return out, nil
		}
		body = io.MultiReader(bytes.NewReader(small), a.body)
	}
	if len(p.uploads) >= p.room {
		out.left = p.leave(name, leftOutQuota)
		return out, nil
	}
	u, err := p.files.Receive(body, name, p.maxFileBytes)
	var readErr *filestore.ReadError
	switch {
	case err == nil:
		p.uploads = append(p.uploads, u)
		out.upload = u
		return out, nil
	case p.src.err != nil:
		return out, p.src.err // the message itself failed, the size limit above all
	case db.IsStorageFull(err):
		return out, err // our disk, not the file: the whole reply must wait
	case errors.As(err, &readErr):
		out.left = p.leave(name, leftOutUnreadable) // bad base64, a damaged winmail.dat entry
	case db.ErrorCode(err) == db.ETOOLARGE:
		out.left = p.leave(name, leftOutSize)
	case db.ErrorCode(err) == db.EUNSUPPORTED:
		out.left = p.leave(name, leftOutType)
	case db.ErrorCode(err) == db.EINVALID:
		out.left = p.leave(name, leftOutUnreadable)
	default:
		return out, err
	}
	return out, nil
}

// nameOr is name, or for a file sent without one a name from its type in
// the order met: "image-1.jpg", "attachment-2.pdf".
func (p *parser) nameOr(name, mimeType string) string {
	if name != "" {
		return name
	}
	p.unnamed++
	return filestore.UnnamedFile(p.unnamed, mimeType)
}

// leave names a file in leftOut, cleaned as any file name is (no path,
// no control or bidi characters), and returns its index.
func (p *parser) leave(name, reason string) int {
	p.leftOut = append(p.leftOut, leftOut{name: db.CleanFileName(name), reason: reason})
	return len(p.leftOut) - 1
}

// leavePart names a part that is no file (by its type, "multipart/related")
// in leftOut: shown to people, so it is made one short line.
func (p *parser) leavePart(desc, reason string) {
	desc = db.ShortenFileName(headerWords(desc), 80)
	p.leftOut = append(p.leftOut, leftOut{name: desc, reason: reason})
}

// signatureImage reports whether an image shown in place, of at most
// signatureImageMax bytes, is a signature's: the same bytes as an image
// the ticket already holds, or as one met earlier in this message.
// Outlook and phones attach the sender's logo and icons to every email;
// stored each time they would fill the ticket's --max-files within a few
// replies and push out the files that matter. The first of them is
// stored (a small picture may be content); then the same bytes are
// neither stored nor counted, nor named as left out: the ticket has them.
func (p *parser) signatureImage(b []byte) bool {
	sum := sha256.Sum256(b)
	if p.images[sum] {
		return true
	}
	if p.images == nil {
		p.images = map[[32]byte]bool{}
	}
	p.images[sum] = true
	for _, a := range p.stored {
		if a.StorageName == "" || a.FileSize != int64(len(b)) || !strings.HasPrefix(a.MimeType, "image/") {
			continue
		}
		s, ok := p.storedSums[a.StorageName]
		if !ok {
			f, err := p.files.Open(a.StorageName)
			if err != nil {
				continue
			}
			stored, err := io.ReadAll(io.LimitReader(f, signatureImageMax+1))
			f.Close()
			if err != nil {
				continue
			}
			s = sha256.Sum256(stored)
			if p.storedSums == nil {
				p.storedSums = map[string][32]byte{}
			}
			p.storedSums[a.StorageName] = s
		}
		if s == sum {
			return true
		}
	}
	return false
}

// isTNEF reports whether a part claims to be a winmail.dat.
func isTNEF(name, declared string) bool {
	return strings.EqualFold(name, "winmail.dat") ||
		declared == "application/ms-tnef" || declared == "application/vnd.ms-tnef"
}

// unpackTNEF stores the files a winmail.dat carries, each through the same
// checks as any attachment. Their long names come after their bytes, so
// each is renamed once its entry ends. A winmail.dat that cannot be read
// to its end is named in leftOut; the files read before stay.
func (p *parser) unpackTNEF(container string, r io.Reader) error {
	cur := outcome{left: -1}
	err := tnef.Walk(r, tnef.DefaultLimits,
		func(f *tnef.File, content io.Reader) error {
			var err error
			cur, err = p.file(attachment{name: f.Name(), body: content})
			return err
		},
		func(f *tnef.File) error {
			name := f.Name()
			switch {
			case !f.HasData && f.Embedded:
				p.leave(orName(name, container), leftOutType) // an attached email
			case !f.HasData:
				p.leave(orName(name, container), leftOutUnreadable)
			case name != "" && cur.upload != nil:
				cur.upload.FileName = filestore.NameFor(name, cur.upload.MimeType)
			case name != "" && cur.left >= 0:
				p.leftOut[cur.left].name = db.CleanFileName(name)
			}
			cur = outcome{left: -1}
			return nil
		})
	switch {
	case err == nil:
		return nil
	case p.src.err != nil:
		return p.src.err
	case errors.Is(err, tnef.ErrNotTNEF), errors.Is(err, tnef.ErrTruncated), errors.Is(err, tnef.ErrLimit):
		p.leave(container, leftOutUnreadable)
		return nil
	}
	return err
}

func orName(name, fallback string) string {
	if name == "" {
		return fallback
	}
	return name
}
