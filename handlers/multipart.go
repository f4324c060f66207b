package handlers

import (
	"errors"
	"io"
	"mime/multipart"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/filestore"
)

// Limits on the non-file parts of a multipart body.
const (
	maxFieldBytes = 64 << 10 // one text field (10,000 characters fit in 40 KB)
	maxParts      = 64       // text fields and ignored parts together
)

// multipartForm is a streamed multipart body: its text fields and the files
// received into the store's temporary folder.
type multipartForm struct {
	Values map[string]string
	Files  []*filestore.Upload
}

// Discard removes every received file; for when the request fails. A nil
// form (a JSON request) has nothing to discard.
func (f *multipartForm) Discard() {
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
func (f *multipartForm) Keep() error {
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
func (f *multipartForm) Attachments() []db.NewAttachment {
	out := make([]db.NewAttachment, len(f.Files))
	for i, u := range f.Files {
		out[i] = u.Attachment()
	}
	return out
}

// readMultipart streams a multipart/form-data body. File parts named
// fileField go to the file store, at most maxFiles of them and
// h.cfg.MaxFileBytes each; every limit is enforced while reading, because
// Fiber does not enforce BodyLimit on streamed bodies. On a page, whose
// CSRF token travels in the form, the token must come before the first
// file (the forms put it first), so a forged upload stores nothing. On
// error the files received are removed and the rest of the body drained,
// but the text fields read so far are kept, so a page can show back what
// was typed; the form is never nil.
func (h *Handler) readMultipart(c *fiber.Ctx, fileField string, maxFiles int) (*multipartForm, error) {
	form := &multipartForm{Values: map[string]string{}}
	mt, params := mediaType(c)
	if mt != fiber.MIMEMultipartForm || params["boundary"] == "" {
		return form, db.Errorf(db.EUNSUPPORTED, "send multipart/form-data")
	}
	body := requestBody(c, h.maxMultipartBody())
	mr := multipart.NewReader(body, params["boundary"])
	if err := h.readParts(c, mr, form, fileField, maxFiles); err != nil {
		form.Discard()
		releaseBody(c)
		return form, malformed(err)
	}
	// Read what follows the closing boundary (an epilogue, a chunked body's
	// last chunk) so the connection is clean: a server that closes it with
	// bytes unread (as it does when shutting down) makes the kernel reset
	// it, and the client loses the answer.
	_, _ = io.Copy(io.Discard, io.LimitReader(body, maxFieldBytes))
	return form, nil
}

func (h *Handler) readParts(c *fiber.Ctx, mr *multipart.Reader, form *multipartForm, fileField string, maxFiles int) error {
	parts := 0
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return h.checkFormCSRF(c, form.Values)
		}
		if err != nil {
			return &filestore.ReadError{Err: err}
		}
		name := part.FormName()
		switch {
		case name == fileField && part.FileName() != "":
			if len(form.Files) == 0 {
				if err := h.checkFormCSRF(c, form.Values); err != nil {
					return err
				}
			}
			if len(form.Files) == maxFiles {
				return db.Errorf(db.ETOOLARGE, "at most %d files", maxFiles)
			}
			u, err := h.files.Receive(part, part.FileName(), h.cfg.MaxFileBytes)
			if err != nil {
				return err
			}
			form.Files = append(form.Files, u)
		default:
			if parts++; parts > maxParts {
				return db.Errorf(db.ETOOLARGE, "too many form fields")
			}
			b, err := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
			if err != nil {
				return &filestore.ReadError{Err: err}
			}
			if len(b) > maxFieldBytes {
				return &db.Error{Code: db.ETOOLARGE, Message: "a form field is too long",
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
// client's body into its answer (readFailure), and leaves anything else
// (the disk) an internal error.
func malformed(err error) error {
	var de *db.Error
	var re *filestore.ReadError
	switch {
	case errors.As(err, &de):
		return err
	case errors.Is(err, errBodyTooLarge), errors.Is(err, errBodyStalled):
		return readFailure(err)
	case errors.As(err, &re):
		return db.Errorf(db.EBADREQUEST, "unable to read the upload: %v", re.Err)
	}
	return err
}
