package desk

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
	"github.com/kinconecta/helpdesk/views/agent"
)

// Sign-in throttling (issue 8). Guessing is refused per account and
// address together, and per address across accounts (spraying); it is
// never refused per account alone, which would let anyone lock an agent
// out by failing on purpose. An account that fails from many addresses
// (a botnet) is slowed down instead: every attempt on it waits, the right
// password from a fresh address included, but none is refused.
const (
	loginWindow      = 15 * time.Minute
	loginPerPair     = 5  // failures of one account from one address
	loginPerAddress  = 20 // failures from one address, any accounts
	loginAccountSlow = 10 // failures of one account, any addresses, before each attempt waits
	loginSlowdown    = 2 * time.Second
)

// loginPage handles GET /agent/login.
func (h *Handler) loginPage(c *fiber.Ctx) error {
	if web.PrincipalOf(c).IsAgent() {
		return c.Redirect("/agent", fiber.StatusSeeOther)
	}
	return h.renderLogin(c, fiber.StatusOK, "", "")
}

func (h *Handler) renderLogin(c *fiber.Ctx, status int, email, msg string) error {
	meta := web.PageMeta(c, web.PageLang(c).T("agent.login.title"))
	meta.Private = true
	return web.Render(c, status, agent.LoginPage(agent.Login{
		Meta: meta,
		CSRF: h.CSRFToken(c), Next: safeNext(loginNext(c)), Email: email, Error: msg,
	}))
}

// loginNext is where to go after signing in: the form's field on a post,
// the address's on the sign-in page itself.
func loginNext(c *fiber.Ctx) string {
	if c.Method() == fiber.MethodPost {
		return web.FormValue(c, "next")
	}
	return c.Query("next")
}

// login handles POST /agent/login. Every failure reads the same, whether
// the account exists or not, and takes as long (bcrypt runs either way).
func (h *Handler) login(c *fiber.Ctx) error {
	lang := web.PageLang(c)
	email := strings.TrimSpace(web.FormValue(c, "email"))
	if len(email) > db.MaxEmailLen {
		email = email[:db.MaxEmailLen]
	}
	ctx := c.UserContext()
	attempt, wait, err := h.startLogin(ctx, email, h.ClientKey(c))
	if err != nil {
		return err
	}
	if attempt == nil {
		minutes := int(wait.Minutes()) + 1
		return h.renderLogin(c, fiber.StatusTooManyRequests, email, lang.T("agent.login.throttled", minutes))
	}
	// The same wait whether the account exists or not, and whatever the
	// password: it reveals nothing and costs the right person only time.
	if attempt.slow {
		select {
		case <-time.After(loginSlowdown):
		case <-ctx.Done():
			attempt.giveBack(ctx)
			return ctx.Err()
		}
	}
	password := web.FormValue(c, "password")
	if len(password) > 200 {
		password = ""
	}
	u, err := h.DB.Authenticate(ctx, email, password)
	if db.ErrorCode(err) == db.EUNAUTHORIZED {
		return h.renderLogin(c, fiber.StatusUnauthorized, email, lang.T("agent.login.wrong"))
	}
	attempt.giveBack(ctx) // right, or never checked
	if err != nil {
		return err
	}
	h.loginsByPair.reset(ctx, attempt.pair)
	if err := h.SignIn(c, u); err != nil {
		return err
	}
	return c.Redirect(safeNext(web.FormValue(c, "next")), fiber.StatusSeeOther)
}

// loginAttempt is one sign-in attempt, counted by the throttles as a
// failure from before its password is checked until given back: checking
// the throttles and counting a failure after bcrypt let 250 concurrent
// guesses all through a limit of 5, none having failed when each was
// checked.
type loginAttempt struct {
	h                            *Handler
	pair, address, account       string
	pairAt, addressAt, accountAt int64 // the attempts' ids in the throttles
	// slow: the account is failing from many addresses, so every attempt
	// on it waits loginSlowdown first.
	slow bool
}

// startLogin counts an attempt on the account named email from client;
// nil, with how long to wait, when the pair or the address has failed
// too often. An error is the store's: nothing stays counted. The counts
// are writes: on a full disk they take the data folder's reserve, as the
// session does, so that an admin can still sign in and make room.
func (h *Handler) startLogin(ctx context.Context, email, client string) (a *loginAttempt, wait time.Duration, err error) {
	err = h.WithReserve("sign-in", func() error {
		a, wait, err = h.countLogin(ctx, email, client)
		return err
	})
	return a, wait, err
}

// countLogin is startLogin's counting.
func (h *Handler) countLogin(ctx context.Context, email, client string) (*loginAttempt, time.Duration, error) {
	a := &loginAttempt{h: h, account: "a:" + strings.ToLower(email), address: "ip:" + client}
	a.pair = a.account + " " + a.address
	var wait time.Duration
	var ok bool
	var err error
	if a.pairAt, wait, ok, err = h.loginsByPair.reserve(ctx, a.pair); err != nil || !ok {
		return nil, wait, err
	}
	if a.addressAt, wait, ok, err = h.loginsByAddress.reserve(ctx, a.address); err != nil || !ok {
		h.loginsByPair.giveBack(ctx, a.pair, a.pairAt)
		return nil, wait, err
	}
	var before int
	if a.accountAt, before, err = h.loginsByAccount.take(ctx, a.account); err != nil {
		h.loginsByPair.giveBack(ctx, a.pair, a.pairAt)
		h.loginsByAddress.giveBack(ctx, a.address, a.addressAt)
		return nil, 0, err
	}
	a.slow = before >= loginAccountSlow
	return a, 0, nil
}

// giveBack uncounts the attempt: its password was right, or never checked.
func (a *loginAttempt) giveBack(ctx context.Context) {
	a.h.loginsByPair.giveBack(ctx, a.pair, a.pairAt)
	a.h.loginsByAddress.giveBack(ctx, a.address, a.addressAt)
	a.h.loginsByAccount.giveBack(ctx, a.account, a.accountAt)
}

// logout handles POST /agent/logout.
func (h *Handler) logout(c *fiber.Ctx) error {
	if err := h.SignOut(c); err != nil {
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
	lang := web.PageLang(c)
	c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	c.Set(fiber.HeaderCacheControl, "no-store")
	u, err := h.DB.PasswordTokenUser(c.UserContext(), c.Params("token"))
	if db.ErrorCode(err) == db.ENOTFOUND {
		return db.Errorf(db.ENOTFOUND, "%s", lang.T("agent.setPassword.invalid"))
	}
	if err != nil {
		return err
	}
	meta := web.PageMeta(c, lang.T("agent.setPassword.title"))
	meta.Private, meta.Path = true, "/agent/login"
	return web.Render(c, status, agent.SetPasswordPage(agent.SetPassword{
		Meta: meta, CSRF: h.CSRFToken(c), Token: c.Params("token"), Email: u.Email, Error: msg,
	}))
}

// setPassword handles POST /agent/set-password/{token}: the token is spent,
// the agent's other sessions end and a new one starts.
func (h *Handler) setPassword(c *fiber.Ctx) error {
	u, err := h.DB.UsePasswordToken(c.UserContext(), c.Params("token"), web.FormValue(c, "password"))
	var de *db.Error
	if errors.As(err, &de) && de.Code == db.EINVALID && len(de.Fields) > 0 {
		msg := de.Fields[0].Message
		if m, ok := passwordMessage(web.PageLang(c), msg); ok {
			msg = m
		}
		return h.renderSetPassword(c, fiber.StatusUnprocessableEntity, msg)
	}
	if err != nil {
		return err
	}
	if err := h.SignIn(c, u); err != nil {
		return err
	}
	return c.Redirect("/agent", fiber.StatusSeeOther)
}
