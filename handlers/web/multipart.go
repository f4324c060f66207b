package web

import (
	"errors"
	"io"
	"mime/multipart"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/filestore"
)

// Limits on the non-file parts of a multipart body, which are held in
// memory while the request lasts (300 held requests, each with 63 fields
// of 64 KiB, took 1.78 GB when the limit was per field).
const (
	// MaxFieldBytes bounds the text fields of one form together: the
	// largest, the create form, is a 10,000-character message (at most
	// 40 KB in UTF-8) and a few short fields.
	MaxFieldBytes = 64 << 10
	MaxParts      = 64 // text fields and ignored parts together
	// maxPartOverhead bounds what else of a multipart body is not file
	// contents: part headers (Go's reader would take 10 MiB of one),
	// boundaries, a preamble; filePartOverhead more is allowed for each
	// file a request may carry, whose part names it (255 characters).
	maxPartOverhead  = 32 << 10
	filePartOverhead = 2 << 10
)

// errFieldsTooLong refuses a form whose text fields are too long together.
var errFieldsTooLong = db.Errorf(db.ETOOLARGE, "the form's text fields are too long: at most %d KiB in all", MaxFieldBytes>>10)

// MultipartForm is a streamed multipart body: its text fields and the files
// received into the store's temporary folder.
type MultipartForm struct {
	Values map[string]string
	Files  []*filestore.Upload
}

// Discard removes every received file; for when the request fails. A nil
// form (a JSON request) has nothing to discard.
func (f *MultipartForm) Discard() {
	if f == nil {
		return
	}
	for _, u := range f.Files {
		u.Discard()
	}
	f.Files = nil
}

// Keep moves every received file into place, before the rows are
// committed; on failure it discards them all.
func (f *MultipartForm) Keep() error {
	if f == nil {
		return nil
	}
	for _, u := range f.Files {
		if err := u.Keep(); err != nil {
			f.Discard()
			return err
		}
	}
	return nil
}

// Attachments describes the received files for the database.
func (f *MultipartForm) Attachments() []db.NewAttachment {
	out := make([]db.NewAttachment, len(f.Files))
	for i, u := range f.Files {
		out[i] = u.Attachment()
	}
	return out
}

// readMultipart streams a multipart/form-data body. File parts named
// fileField go to the file store, at most maxFiles of them and
// h.Config.MaxFileBytes each; every limit is enforced while reading, because
// Fiber does not enforce BodyLimit on streamed bodies. On a page, whose
// CSRF token travels in the form, the token must come before the first
// file (the forms put it first), so a forged upload stores nothing. On
// error the files received are removed (the rest of the body is seen to
// after the answer: finishBody), but the text fields read so far are
// kept, so a page can show back what was typed; the form is never nil.
func (h *Server) ReadMultipart(c *fiber.Ctx, fileField string, maxFiles int) (*MultipartForm, error) {
	form := &MultipartForm{Values: map[string]string{}}
	mt, params := MediaType(c)
	if mt != fiber.MIMEMultipartForm || params["boundary"] == "" {
		return form, db.Errorf(db.EUNSUPPORTED, "send multipart/form-data")
	}
	body := &partsBudget{r: requestBody(c, h.MaxMultipartBody()),
		left: MaxFieldBytes + maxPartOverhead + int64(maxFiles)*filePartOverhead}
	mr := multipart.NewReader(body, params["boundary"])
	if err := h.readParts(c, mr, body, form, fileField, maxFiles); err != nil {
		form.Discard()
		return form, Malformed(err)
	}
	// What follows the closing boundary (an epilogue, a chunked body's
	// last chunk) is read or the connection closed after the answer
	// (finishBody).
	return form, nil
}

// partsBudget bounds the bytes of a multipart body that are not file
// contents: every byte read counts against it, and every byte handed to
// the file store is given back (filePart). The multipart reader reads
// ahead of the part it hands out by at most its 4 KiB buffer, which the
// budget's overhead allowance covers.
type partsBudget struct {
	r    io.Reader
	left int64
}

func (b *partsBudget) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, errFieldsTooLong
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	return n, err
}

// filePart is a file part's contents, given back to the budget as read.
type filePart struct {
	r      io.Reader
	budget *partsBudget
}

func (f filePart) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	f.budget.left += int64(n)
	return n, err
}

func (h *Server) readParts(c *fiber.Ctx, mr *multipart.Reader, budget *partsBudget, form *MultipartForm, fileField string, maxFiles int) error {
	parts, text, headers := 0, 0, 0
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return h.checkFormCSRF(c, form.Values)
		}
		if err != nil {
			return &filestore.ReadError{Err: err}
		}
		name := part.FormName()
		isFile := name == fileField && part.FileName() != ""
		if headers += partHeaderBytes(part.Header); headers > partHeaderAllowance(len(form.Files), isFile) {
			return errPartHeaders
		}
		switch {
		case isFile:
			if len(form.Files) == 0 {
				if err := h.checkFormCSRF(c, form.Values); err != nil {
					return err
				}
			}
			if len(form.Files) == maxFiles {
				return db.Errorf(db.ETOOLARGE, "at most %d files", maxFiles)
			}
			u, err := h.Files.Receive(filePart{part, budget}, part.FileName(), h.Config.MaxFileBytes)
			if err != nil {
				return err
			}
			form.Files = append(form.Files, u)
		default:
			if parts++; parts > MaxParts {
				return db.Errorf(db.ETOOLARGE, "too many form fields")
			}
			b, err := io.ReadAll(io.LimitReader(part, int64(MaxFieldBytes-text)+1))
			if err != nil {
				return &filestore.ReadError{Err: err}
			}
			if text += len(b); text > MaxFieldBytes {
				return &db.Error{Code: db.ETOOLARGE, Message: errFieldsTooLong.Message,
					Fields: []db.FieldError{{Field: name, Message: "is too long"}}}
			}
			if part.FileName() == "" && name != "" {
				form.Values[name] = string(b)
			}
		}
		part.Close()
	}
}

// malformed keeps domain errors as they are, turns a failure to read the
// client's body into its answer (readFailure, multipartFailure), and
// leaves anything else (the disk) an internal error.
func Malformed(err error) error {
	var de *db.Error
	var re *filestore.ReadError
	switch {
	case errors.As(err, &de):
		return err
	case errors.Is(err, errBodyStalled), errors.Is(err, errBodyTooSlow):
		return readFailure(err)
	case errors.As(err, &re):
		return multipartFailure(re.Err)
	}
	return err
}
