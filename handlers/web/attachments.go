package web

import (
	"mime"

	"github.com/gofiber/fiber/v2"
	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/views/pages"
)

// referenceConflict answers a request for the bytes of a file hosted
// elsewhere. It is no redirect: a 302 from our origin to an address any
// creator may choose makes every file link of ours an open redirect,
// which lends our name to phishing. A client has the address in the
// attachment's fileUrl already; the detail names it for a person reading
// the answer.
func referenceConflict(a db.Attachment) error {
	return db.Errorf(db.ECONFLICT, "%q is not stored here: it is a reference to a file hosted elsewhere, at %s (its fileUrl)",
		a.FileName, a.FileURL)
}

// sendAttachment serves a stored file with its sniffed type, as a
// download unless inlineImages allows a safe raster image to show in the
// page; nosniff and a sandboxing CSP keep a browser from running it. A
// reference is refused (referenceConflict), never redirected to.
func (h *Server) SendAttachment(c *fiber.Ctx, a db.Attachment, inlineImages bool) error {
	if a.StorageName == "" {
		return referenceConflict(a)
	}
	f, err := h.Files.Open(a.StorageName)
	if err != nil {
		return err
	}
	disposition := "attachment"
	if inlineImages && InlineTypes[a.MimeType] {
		disposition = "inline"
	}
	c.Set(fiber.HeaderContentType, a.MimeType)
	c.Set(fiber.HeaderContentDisposition, contentDisposition(disposition, a.FileName))
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; sandbox")
	h.StreamBody(c, f, int(a.FileSize), true)
	return nil
}

// contentDisposition builds the header; mime encodes a non-ASCII name as
// RFC 2231 filename*=utf-8”..., which browsers understand.
func contentDisposition(kind, name string) string {
	if v := mime.FormatMediaType(kind, map[string]string{"filename": name}); v != "" {
		return v
	}
	return kind
}

// InlineTypes are the raster image types a browser may show in place:
// they cannot carry script. Everything else (PDF, text) is a download.
var InlineTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true}

// externalFilePage answers one of our file addresses that names a file
// hosted elsewhere: a page that says which site the link leads to, never
// a redirect there (our origin would vouch for any address a ticket's
// creator chose). back is the page the file belongs to.
func (h *Server) ExternalFilePage(c *fiber.Ctx, a db.Attachment, back string) error {
	lang := PageLang(c)
	return Render(c, fiber.StatusOK, pages.ExternalFilePage(pages.ExternalFile{
		Meta: PageMeta(c, lang.T("external.title")), Name: a.FileName, URL: a.FileURL, Back: back,
	}))
}
