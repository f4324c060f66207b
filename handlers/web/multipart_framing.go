package web

import (
	"bufio"
	"errors"
	"mime/multipart"
	"net/textproto"

	"github.com/kinconecta/helpdesk/db"
)

// The answers to a multipart body whose framing breaks a limit or no
// rule, in our words: the reader's own ("multipart: NextPart: bufio:
// buffer full") says nothing a client can act on and tells what parses
// the body (issue 8, re-tested).
var (
	errPartHeaders = db.Errorf(db.ETOOLARGE, "the form's part headers are too large: at most %d KiB in all, and %d KiB more for each file",
		maxPartOverhead>>10, filePartOverhead>>10)
	errPartLine           = db.Errorf(db.ETOOLARGE, "a line of the form's framing (a part header or a boundary) is too long")
	errMultipartMalformed = db.Errorf(db.EBADREQUEST,
		"the body is not well-formed multipart/form-data: each part needs its headers, a blank line, and the boundary the Content-Type names, ending with the closing boundary")
)

// partHeaderBytes is the size of a part's headers as sent, near enough:
// each line's name, value, colon, space and line end.
func partHeaderBytes(h textproto.MIMEHeader) int {
	n := 0
	for k, vs := range h {
		for _, v := range vs {
			n += len(k) + len(v) + 4
		}
	}
	return n
}

// partHeaderAllowance is how many bytes of part headers a form may have
// sent, with files received before this part, which is a file or not:
// maxPartOverhead for every part's, and filePartOverhead more for each
// file's, as the README says. The whole budget (partsBudget) is larger,
// since text fields may use what headers leave, so this is checked on
// its own: a single part header of 100 KB passed.
func partHeaderAllowance(files int, isFile bool) int {
	if isFile {
		files++
	}
	return maxPartOverhead + files*filePartOverhead
}

// multipartFailure turns the multipart reader's failure on a body into
// its answer: 413 for a limit (ours, which the reader passes on, or its
// own on a header or line), 400 for anything else it cannot parse.
func multipartFailure(err error) error {
	var de *db.Error
	switch {
	case errors.As(err, &de):
		return de
	case errors.Is(err, errBodyTooLarge):
		return errBodyTooLarge
	case errors.Is(err, errBodyStalled), errors.Is(err, errBodyTooSlow):
		return readFailure(err)
	case errors.Is(err, multipart.ErrMessageTooLarge):
		return errPartHeaders
	case errors.Is(err, bufio.ErrBufferFull):
		return errPartLine
	}
	return errMultipartMalformed
}
