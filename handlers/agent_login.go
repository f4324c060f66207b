package handlers

import (
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/views/agent"
)

// Sign-in throttling: per account and per address, so neither guessing one
// account's password nor spraying many accounts from one place works.
const (
	loginWindow     = 15 * time.Minute
	loginPerAccount = 5
	loginPerAddress = 20
)

// loginPage handles GET /agent/login.
func (h *Handler) loginPage(c *fiber.Ctx) error {
	if principal(c).IsAgent() {
		return c.Redirect("/agent", fiber.StatusSeeOther)
	}
	return h.renderLogin(c, fiber.StatusOK, "", "")
}

func (h *Handler) renderLogin(c *fiber.Ctx, status int, email, msg string) error {
	meta := pageMeta(c, pageLang(c).T("agent.login.title"))
	meta.Private = true
	return render(c, status, agent.LoginPage(agent.Login{
		Meta: meta,
		CSRF: h.csrfToken(c), Next: safeNext(c.FormValue("next", c.Query("next"))), Email: email, Error: msg,
	}))
}

// login handles POST /agent/login. Every failure reads the same, whether
// the account exists or not, and takes as long (bcrypt runs either way).
func (h *Handler) login(c *fiber.Ctx) error {
	if err := checkCSRF(c, c.FormValue(csrfField)); err != nil {
		return err
	}
	lang := pageLang(c)
	email := strings.TrimSpace(c.FormValue("email"))
	if len(email) > db.MaxEmailLen {
		email = email[:db.MaxEmailLen]
	}
	accountKey, addressKey := "a:"+strings.ToLower(email), "ip:"+c.IP()
	wait := max(h.loginsByAccount.wait(accountKey), h.loginsByAddress.wait(addressKey))
	if wait > 0 {
		minutes := int(wait.Minutes()) + 1
		return h.renderLogin(c, fiber.StatusTooManyRequests, email, lang.T("agent.login.throttled", minutes))
	}
	password := c.FormValue("password")
	if len(password) > 200 {
		password = ""
	}
	u, err := h.db.Authenticate(c.UserContext(), email, password)
	if db.ErrorCode(err) == db.EUNAUTHORIZED {
		h.loginsByAccount.fail(accountKey)
		h.loginsByAddress.fail(addressKey)
		return h.renderLogin(c, fiber.StatusUnauthorized, email, lang.T("agent.login.wrong"))
	}
	if err != nil {
		return err
	}
	h.loginsByAccount.reset(accountKey)
	if err := h.signIn(c, u); err != nil {
		return err
	}
	return c.Redirect(safeNext(c.FormValue("next")), fiber.StatusSeeOther)
}

// logout handles POST /agent/logout.
func (h *Handler) logout(c *fiber.Ctx) error {
	if err := checkCSRF(c, c.FormValue(csrfField)); err != nil {
		return err
	}
	if err := h.signOut(c); err != nil {
		return err
	}
	return c.Redirect("/agent/login", fiber.StatusSeeOther)
}

// safeNext keeps a post-sign-in redirect on this site's desk.
func safeNext(next string) string {
	if strings.HasPrefix(next, "/agent") && !strings.HasPrefix(next, "//") && !strings.ContainsAny(next, "\\\r\n") {
		return next
	}
	return "/agent"
}

// setPasswordPage handles GET /agent/set-password/{token}.
func (h *Handler) setPasswordPage(c *fiber.Ctx) error {
	return h.renderSetPassword(c, fiber.StatusOK, "")
}

func (h *Handler) renderSetPassword(c *fiber.Ctx, status int, msg string) error {
	lang := pageLang(c)
	c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	c.Set(fiber.HeaderCacheControl, "no-store")
	u, err := h.db.PasswordTokenUser(c.UserContext(), c.Params("token"))
	if db.ErrorCode(err) == db.ENOTFOUND {
		return db.Errorf(db.ENOTFOUND, "%s", lang.T("agent.setPassword.invalid"))
	}
	if err != nil {
		return err
	}
	meta := pageMeta(c, lang.T("agent.setPassword.title"))
	meta.Private, meta.Path = true, "/agent/login"
	return render(c, status, agent.SetPasswordPage(agent.SetPassword{
		Meta: meta, CSRF: h.csrfToken(c), Token: c.Params("token"), Email: u.Email, Error: msg,
	}))
}

// setPassword handles POST /agent/set-password/{token}: the token is spent,
// the agent's other sessions end and a new one starts.
func (h *Handler) setPassword(c *fiber.Ctx) error {
	if err := checkCSRF(c, c.FormValue(csrfField)); err != nil {
		return err
	}
	u, err := h.db.UsePasswordToken(c.UserContext(), c.Params("token"), c.FormValue("password"))
	var de *db.Error
	if errors.As(err, &de) && de.Code == db.EINVALID && len(de.Fields) > 0 {
		return h.renderSetPassword(c, fiber.StatusUnprocessableEntity, de.Fields[0].Message)
	}
	if err != nil {
		return err
	}
	if err := h.signIn(c, u); err != nil {
		return err
	}
	return c.Redirect("/agent", fiber.StatusSeeOther)
}
