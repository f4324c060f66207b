package web

import (
	"bytes"
	"context"
	"encoding/gob"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/gorilla/sessions"

	"github.com/kinconecta/helpdesk/db"
)

// Agent sessions: gorilla/sessions with a Store that keeps them in SQLite,
// so logout, deactivation and a password change end them at once. The
// cookie holds only a random id; the database holds its hash.
const (
	SessionTTL  = 12 * time.Hour
	SessionUser = "uid"
)

// sqliteStore implements sessions.Store over the database.
type sqliteStore struct {
	db     *db.DB
	secure bool
}

// Get returns the request's session, cached per request by the registry.
func (s *sqliteStore) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(s, name)
}

// New loads the session named in the cookie, or starts an empty one.
func (s *sqliteStore) New(r *http.Request, name string) (*sessions.Session, error) {
	sess := sessions.NewSession(s, name)
	sess.Options = &sessions.Options{Path: "/", HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(SessionTTL.Seconds())}
	sess.IsNew = true
	c, err := r.Cookie(name)
	if err != nil || c.Value == "" {
		return sess, nil
	}
	stored, _, err := s.db.SessionByID(r.Context(), c.Value)
	if err != nil {
		return sess, nil // expired, ended or forged: a fresh, empty session
	}
	if err := gob.NewDecoder(bytes.NewReader(stored.Data)).Decode(&sess.Values); err != nil {
		return sess, nil
	}
	sess.ID, sess.IsNew = c.Value, false
	return sess, nil
}

// Save stores the session and sets its cookie; MaxAge < 0 deletes both.
func (s *sqliteStore) Save(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
	if sess.Options.MaxAge < 0 {
		if sess.ID != "" {
			if err := s.db.DeleteSession(r.Context(), sess.ID); err != nil {
				return err
			}
		}
		http.SetCookie(w, sessions.NewCookie(sess.Name(), "", sess.Options))
		return nil
	}
	uid, _ := sess.Values[SessionUser].(int64)
	if uid == 0 {
		return nil // nothing worth keeping: only signed-in agents have sessions
	}
	if sess.ID == "" {
		sess.ID = db.NewSessionID()
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(sess.Values); err != nil {
		return err
	}
	if err := s.db.SaveSession(r.Context(), sess.ID, uid, buf.Bytes(), time.Now().Add(SessionTTL)); err != nil {
		return err
	}
	http.SetCookie(w, sessions.NewCookie(sess.Name(), sess.ID, sess.Options))
	return nil
}

// The one adapter between Fiber and gorilla/sessions, which speaks net/http.

// cookieWriter is the http.ResponseWriter gorilla writes its Set-Cookie
// header to; the headers are copied into Fiber's response.
type cookieWriter struct{ header http.Header }

func (w *cookieWriter) Header() http.Header         { return w.header }
func (w *cookieWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *cookieWriter) WriteHeader(int)             {}

// agentSession returns the request's agent session.
func (h *Server) AgentSession(c *fiber.Ctx) (*sessions.Session, *http.Request, error) {
	r, err := adaptor.ConvertRequest(c, false)
	if err != nil {
		return nil, nil, err
	}
	r = r.WithContext(c.UserContext())
	s, err := h.sessions.Get(r, h.cookies.session)
	return s, r, err
}

// saveSession writes the session and its cookie into the response.
func (h *Server) SaveSession(c *fiber.Ctx, r *http.Request, s *sessions.Session) error {
	w := &cookieWriter{header: http.Header{}}
	if err := s.Save(r, w); err != nil {
		return err
	}
	for _, v := range w.header.Values("Set-Cookie") {
		c.Response().Header.Add(fiber.HeaderSetCookie, v)
	}
	return nil
}

// signIn starts a fresh session for u: a new id every time, so a session id
// planted before sign-in is worth nothing after it. On a disk too full for
// the session, the reserve gives it room (withReserve): signing in is how
// an admin gets to make room.
func (h *Server) SignIn(c *fiber.Ctx, u db.User) error {
	s, r, err := h.AgentSession(c)
	if err != nil {
		return err
	}
	planted := s.ID
	return h.WithReserve("sign-in", func() error {
		if planted != "" {
			if err := h.DB.DeleteSession(c.UserContext(), planted); err != nil {
				return err
			}
		}
		s.ID, s.IsNew = "", true
		s.Values = map[any]any{SessionUser: u.ID}
		return h.SaveSession(c, r, s)
	})
}

// signOut ends the session and clears its cookie.
func (h *Server) SignOut(c *fiber.Ctx) error {
	s, r, err := h.AgentSession(c)
	if err != nil {
		return err
	}
	s.Options.MaxAge = -1
	return h.SaveSession(c, r, s)
}

// sessionPrincipal resolves a session cookie to an agent, nil when there
// is no live session.
func (h *Server) sessionPrincipal(ctx context.Context, cookie string) (*Principal, error) {
	_, u, err := h.DB.SessionByID(ctx, cookie)
	if db.ErrorCode(err) == db.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &Principal{Role: u.Role, SessionID: cookie, User: u,
		Actor: db.Actor{Type: "agent", ID: u.ID, Name: u.Name}}, nil
}

// NewSessionStore is the agents' session store over store; secure marks
// its cookies Secure. The server opens its own (NewServer); this one is
// for starting a session without a sign-in.
func NewSessionStore(store *db.DB, secure bool) sessions.Store {
	return &sqliteStore{db: store, secure: secure}
}
