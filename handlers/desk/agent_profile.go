package desk

import (
	"errors"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
	"github.com/kinconecta/helpdesk/i18n"
	"github.com/kinconecta/helpdesk/views/agent"
	"github.com/kinconecta/helpdesk/views/components"
)

// profileNotices are the confirmations the profile page shows after a
// change, by the ?done= its redirect carries.
var profileNotices = map[string]string{
	"saved":    "profile.notice.saved",
	"password": "profile.notice.password",
	"sessions": "profile.notice.sessions",
}

// profileErrors words the store's refusals of the profile's fields.
var profileErrors = map[string]string{
	"name":      "profile.err.name",
	"signature": "profile.err.signature",
	"language":  "profile.err.language",
	"current":   "profile.err.current",
	"password":  "profile.err.password",
}

// profilePage handles GET /agent/profile.
func (h *Handler) profilePage(c *fiber.Ctx) error {
	v, err := h.profileView(c)
	if err != nil {
		return err
	}
	if key, ok := profileNotices[c.Query("done")]; ok {
		v.Notice = web.PageLang(c).T(key)
	}
	return web.Render(c, fiber.StatusOK, agent.ProfilePage(v))
}

// profileView is the page for the signed-in agent, as stored. The desk's
// other pages take an API key too; this one is about a person.
func (h *Handler) profileView(c *fiber.Ctx) (agent.Profile, error) {
	p := web.PrincipalOf(c)
	if p.User.ID == 0 {
		return agent.Profile{}, db.Errorf(db.EFORBIDDEN, "the profile is a signed-in agent's own")
	}
	prof, err := h.DB.Profile(c.UserContext(), p.User.ID)
	if err != nil {
		return agent.Profile{}, err
	}
	n, err := h.DB.CountSessions(c.UserContext(), p.User.ID)
	if err != nil {
		return agent.Profile{}, err
	}
	lang := web.PageLang(c)
	return agent.Profile{
		Frame: h.frameMeta(c, lang.T("profile.title"), agent.NavNone),
		Email: p.User.Email, Name: prof.Name, Signature: prof.Signature, Language: prof.Language,
		Sessions: n,
	}, nil
}

// profileSave handles POST /agent/profile: name, signature, language.
// The new name signs the agent's replies from now on; the language is
// the desk's and the agent's emails'. 303 back; 422 with the messages.
func (h *Handler) profileSave(c *fiber.Ctx) error {
	v, err := h.profileView(c)
	if err != nil {
		return err
	}
	in := db.Profile{Name: web.FormValue(c, "name"), Signature: web.FormValue(c, "signature"), Language: web.FormValue(c, "language")}
	if _, err := h.DB.UpdateProfile(c.UserContext(), web.PrincipalOf(c).User.ID, in); err != nil {
		errs, ok := profileFieldErrors(web.PageLang(c), err)
		if !ok {
			return err
		}
		v.Name, v.Signature, v.Language, v.Errors = in.Name, in.Signature, in.Language, errs
		return web.Render(c, fiber.StatusUnprocessableEntity, agent.ProfilePage(v))
	}
	to := "/agent/profile?done=saved"
	if in.Language != "" {
		// The page after the change speaks the chosen language.
		to += "&lang=" + in.Language
	}
	return c.Redirect(to, fiber.StatusSeeOther)
}

// profilePassword handles POST /agent/profile/password (current,
// password): the current password is required, wrong ones are counted
// like failed sign-ins (429 past the limit), and every other session of
// the account ends. 303 back; 422 with the messages.
func (h *Handler) profilePassword(c *fiber.Ctx) error {
	v, err := h.profileView(c)
	if err != nil {
		return err
	}
	p := web.PrincipalOf(c)
	key := "profile:" + strconv.FormatInt(p.User.ID, 10)
	at, wait, ok, err := h.loginsByPair.reserve(c.UserContext(), key)
	if err != nil {
		return err
	}
	if !ok {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(wait/time.Second)+1))
		v.PasswordErrors = components.Errors{{Field: "current", Message: web.PageLang(c).T("profile.err.tooMany")}}
		return web.Render(c, fiber.StatusTooManyRequests, agent.ProfilePage(v))
	}
	err = h.DB.ChangePassword(c.UserContext(), p.User.ID, web.FormValue(c, "current"), web.FormValue(c, "password"), p.SessionID)
	if err != nil {
		var de *db.Error
		if !errors.As(err, &de) || len(de.Fields) == 0 || de.Fields[0].Field != "current" {
			h.loginsByPair.giveBack(c.UserContext(), key, at) // the password was right
		}
		errs, ok := profileFieldErrors(web.PageLang(c), err)
		if !ok {
			return err
		}
		v.PasswordErrors = errs
		return web.Render(c, fiber.StatusUnprocessableEntity, agent.ProfilePage(v))
	}
	h.loginsByPair.reset(c.UserContext(), key)
	return c.Redirect("/agent/profile?done=password", fiber.StatusSeeOther)
}

// profileSessions handles POST /agent/profile/sessions: sign out
// everywhere else. 303 back.
func (h *Handler) profileSessions(c *fiber.Ctx) error {
	p := web.PrincipalOf(c)
	if p.User.ID == 0 {
		return db.Errorf(db.EFORBIDDEN, "the profile is a signed-in agent's own")
	}
	if _, err := h.DB.EndOtherSessions(c.UserContext(), p.User.ID, p.SessionID); err != nil {
		return err
	}
	return c.Redirect("/agent/profile?done=sessions", fiber.StatusSeeOther)
}

// profileFieldErrors words the store's field refusals in lang; false for
// an error that is not about the input.
func profileFieldErrors(lang i18n.Lang, err error) (components.Errors, bool) {
	var de *db.Error
	if !errors.As(err, &de) || de.Code != db.EINVALID || len(de.Fields) == 0 {
		return nil, false
	}
	var errs components.Errors
	for _, fe := range de.Fields {
		key, ok := profileErrors[fe.Field]
		if !ok {
			return nil, false
		}
		msg := lang.T(key)
		if m, ok := passwordMessage(lang, fe.Message); ok && fe.Field == "password" {
			msg = m
		}
		errs = append(errs, components.FieldError{Field: fe.Field, Message: msg})
	}
	return errs, true
}
