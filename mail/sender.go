package mail

import (
	"context"
	"errors"
	"fmt"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// sender delivers messages through the configured SMTP server, one
// connection per batch of due notifications.
type sender struct {
	server  *Server
	timeout time.Duration
}

// dial opens a connection, says hello, upgrades to TLS and authenticates
// as the server URL asks.
func (s *sender) dial(ctx context.Context) (*gomail.Client, error) {
	c, err := gomail.NewClient(s.server.Host, s.server.clientOptions(s.timeout)...)
	if err != nil {
		// Not permanent: the settings, not the notifications, are at fault.
		return nil, fmt.Errorf("mail: bad SMTP settings: %w", err)
	}
	if err := c.DialWithContext(ctx); err != nil {
		return nil, fmt.Errorf("mail: unable to reach %s:%d: %w", s.server.Host, s.server.Port, err)
	}
	return c, nil
}

// send delivers m over c. A 5xx answer (unknown mailbox, refused content)
// is permanent; anything else, a 4xx or a broken connection, is worth
// another try later.
func send(c *gomail.Client, m *gomail.Msg) error {
	err := c.Send(m)
	if err == nil {
		return nil
	}
	var se *gomail.SendError
	if errors.As(err, &se) && se.ErrorCode() >= 500 && se.ErrorCode() < 600 {
		return permanentError{err}
	}
	return err
}
