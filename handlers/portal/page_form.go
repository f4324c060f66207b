package portal

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
	"github.com/kinconecta/helpdesk/views/components"
	"github.com/kinconecta/helpdesk/views/pages"
)

// supportFields are the form's fields in the order they appear, which is
// the order the error summary lists them in.
var supportFields = []string{"roleContext", "fullName", "email", "category", "subject", "message", "attachments"}

// supportFormPage handles GET /: the blank support form.
func (h *Handler) supportFormPage(c *fiber.Ctx) error {
	f, err := h.supportForm(c, map[string]string{})
	if err != nil {
		return err
	}
	return web.Render(c, fiber.StatusOK, pages.SupportFormPage(f))
}

// supportForm fills the form's view-model: the active categories labelled
// in the page's language, the upload limits the server enforces, and what
// the person typed.
func (h *Handler) supportForm(c *fiber.Ctx, values map[string]string) (pages.SupportForm, error) {
	lang := web.PageLang(c)
	cats, err := h.DB.Categories(c.UserContext())
	if err != nil {
		return pages.SupportForm{}, err
	}
	var opts []pages.Option
	for _, cat := range cats {
		if !cat.Retired {
			opts = append(opts, pages.Option{Value: cat.Name, Label: cat.Label(string(lang))})
		}
	}
	return pages.SupportForm{
		Meta:         web.PageMeta(c, lang.T("form.title")),
		CSRF:         h.CSRFToken(c),
		Values:       values,
		Categories:   opts,
		MaxFileBytes: h.Config.MaxFileBytes,
		MaxFiles:     h.Config.MaxFiles,
		Accept:       db.AllowedTypes,
		MaxMessage:   db.MaxMessageLen,
	}, nil
}

// submitSupportForm handles POST /, from the plain form and from the
// page's script alike: a stored ticket answers 303 to its tracking page
// (the script's request follows it and the script goes there too); a
// refused one re-renders the form with the messages and what was typed.
//
// The honeypot field "website" is refused, not faked: a person whose
// browser filled it by mistake sees the form again, typed input intact,
// and can send it; nothing is stored either way.
func (h *Handler) submitSupportForm(c *fiber.Ctx) error {
	form, readErr := h.ReadMultipart(c, "attachments", h.Config.MaxFiles)
	if errors.Is(readErr, web.ErrCSRF) {
		return readErr
	}
	lang := web.PageLang(c)
	f, err := h.supportForm(c, form.Values)
	if err != nil {
		form.Discard()
		return err
	}
	if readErr != nil {
		errs, status, ok := h.FormErrors(lang, readErr, supportFields)
		if !ok {
			return readErr
		}
		f.Errors, f.FilesNotKept = errs, true
		return web.Render(c, status, pages.SupportFormPage(f))
	}
	if strings.TrimSpace(form.Values["website"]) != "" {
		f.FilesNotKept = len(form.Files) > 0
		form.Discard()
		f.Errors = components.Errors{{Message: lang.T("err.honeypot")}}
		return web.Render(c, fiber.StatusUnprocessableEntity, pages.SupportFormPage(f))
	}
	in := web.NewTicketFrom(func(k string) string { return form.Values[k] })
	in.Status = ""
	in.Language = string(lang)
	in.Attachments = form.Attachments()
	_, token, err := h.StoreTicket(c, in, form)
	if err != nil {
		errs, status, ok := h.FormErrors(lang, err, supportFields)
		if !ok {
			return err
		}
		f.Errors, f.FilesNotKept = errs, len(in.Attachments) > 0
		return web.Render(c, status, pages.SupportFormPage(f))
	}
	return c.Redirect("/track/"+token, fiber.StatusSeeOther)
}
