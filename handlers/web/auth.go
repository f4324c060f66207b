package web

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
)

// Access is who may call a route.
type Access int

// The access levels, from most open to most closed.
const (
	Anyone       Access = iota // no credentials needed
	TicketHolder               // the ticket's own access token, or an agent
	Agent                      // an API key or a signed-in agent
	Admin                      // an admin API key or a signed-in admin
)

// Principal is who is calling: nobody, the holder of one ticket's token, or
// an agent (through an API key or a session).
type Principal struct {
	TicketID  int64  // set for a requester token
	Role      string // db.RoleAgent or db.RoleAdmin for agents; "" otherwise
	Actor     db.Actor
	SessionID string  // set when signed in through the agent desk (cookie)
	User      db.User // the signed-in agent, for a session
}

// IsAgent reports whether the caller is an agent or admin.
func (p *Principal) IsAgent() bool { return p != nil && p.Role != "" }

const principalKey = "principal"

// principal returns the caller resolved by authenticate.
func PrincipalOf(c *fiber.Ctx) *Principal {
	p, _ := c.Locals(principalKey).(*Principal)
	return p
}

// authenticate resolves the caller from the request. A credential that is
// present but wrong is refused here (401) rather than treated as anonymous,
// so a client with a revoked key learns it at once.
func (h *Server) Authenticate(c *fiber.Ctx) error {
	if p := c.Path(); p == "/healthz" || p == "/readyz" {
		return c.Next() // probes carry no credentials worth checking
	}
	auth := c.Get(fiber.HeaderAuthorization)
	if auth == "" {
		// A signed-in agent's session cookie is a credential like an API
		// key; being a cookie, every write it makes must carry the CSRF
		// token, which the route's csrfGuard checks.
		if cookie := c.Cookies(h.cookies.session); cookie != "" {
			p, err := h.sessionPrincipal(c.UserContext(), cookie)
			if err != nil {
				return err
			}
			if p != nil {
				c.Locals(principalKey, p)
			}
		}
		return c.Next()
	}
	scheme, secret, _ := strings.Cut(auth, " ")
	secret = strings.TrimSpace(secret)
	if !strings.EqualFold(scheme, "Bearer") || secret == "" {
		return db.Errorf(db.EUNAUTHORIZED, "use Authorization: Bearer <API key or ticket token>")
	}
	switch {
	case strings.HasPrefix(secret, db.APIKeyPrefix):
		k, err := h.DB.APIKeyBySecret(c.UserContext(), secret)
		if err != nil {
			return err
		}
		c.Locals(principalKey, &Principal{Role: k.Role, Actor: db.Actor{Type: "apikey", ID: k.ID, Name: k.Name}})
	case strings.HasPrefix(secret, db.TicketTokenPrefix):
		id, err := h.DB.TicketIDByToken(c.UserContext(), secret)
		if db.ErrorCode(err) == db.ENOTFOUND {
			return db.Errorf(db.EUNAUTHORIZED, "unknown ticket token")
		}
		if err != nil {
			return err
		}
		c.Locals(principalKey, &Principal{TicketID: id, Actor: db.Actor{Type: "requester", Name: "requester"}})
	default:
		return db.Errorf(db.EUNAUTHORIZED, "unknown credential")
	}
	return c.Next()
}

func safeMethod(m string) bool {
	return m == fiber.MethodGet || m == fiber.MethodHead || m == fiber.MethodOptions
}

// guard enforces route r's Access. A requester token used on another
// ticket answers 404, as if the ticket did not exist, so tokens reveal
// nothing about other tickets; a malformed id is a malformed request
// (400, CONTRACT §3) whoever asks.
func (h *Server) Guard(r Route) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p := PrincipalOf(c)
		switch r.Access {
		case Anyone:
			return c.Next()
		case TicketHolder:
			if p.IsAgent() {
				return c.Next()
			}
			if p != nil && p.TicketID != 0 {
				id, err := TicketID(c, "id")
				if err != nil {
					return err
				}
				if id != p.TicketID {
					return db.Errorf(db.ENOTFOUND, "ticket not found")
				}
				return c.Next()
			}
		case Agent, Admin:
			if p.IsAgent() && (r.Access == Agent || p.Role == db.RoleAdmin) {
				return c.Next()
			}
			if p != nil {
				return db.Errorf(db.EFORBIDDEN, "this needs an %s credential", map[Access]string{Agent: "agent", Admin: "admin"}[r.Access])
			}
			if !r.API() {
				// A page: send the person to sign in, then back here.
				return c.Redirect("/agent/login?next="+url.QueryEscape(c.OriginalURL()), fiber.StatusSeeOther)
			}
		}
		return db.Errorf(db.EUNAUTHORIZED, "credentials required")
	}
}
