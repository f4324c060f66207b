package mail

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/filestore"
)

// Service is the mail side of a running helpdesk: the outbox worker, when
// an SMTP server is configured, and the reply listener, when it is on.
type Service struct {
	worker  *worker
	inbound *inbound
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

// Start begins delivering the outbox and, if cfg.Listen is set, taking
// replies. Without cfg.Server nothing is sent: notifications wait in the
// outbox, never dropped nor failed, until a server is configured.
func Start(store *db.DB, files filestore.Files, cfg Config, log *slog.Logger) (*Service, error) {
	s := &Service{}
	var replies *replyAddresses
	if cfg.ReplyDomain != "" && cfg.Listen != "" {
		key, err := store.ServerKey(context.Background(), replyKeyName)
		if err != nil {
			return nil, err
		}
		replies = &replyAddresses{key: key, domain: cfg.ReplyDomain}
		s.inbound = newInbound(store, files, cfg, *replies, log)
		if err := s.inbound.listen(cfg.Listen); err != nil {
			return nil, err
		}
		log.Info("mail: taking replies", "addr", s.inbound.addr.String(), "reply_domain", cfg.ReplyDomain,
			"support_address", cfg.SupportAddress, "max_conns", cfg.Inbound.Conns.Total, "max_conns_per_ip", cfg.Inbound.Conns.PerClient)
	}
	if cfg.Server == nil {
		log.Info("mail: no --smtp-url: notifications wait in the outbox until one is set")
		return s, nil
	}
	_, domain, _ := strings.Cut(cfg.From.Address, "@")
	s.worker = &worker{
		db: store, cfg: cfg.Worker, limits: cfg.Confirm, log: log, nudge: make(chan struct{}, 1), unmarked: map[int64]bool{},
		sender: &sender{server: cfg.Server, timeout: cfg.Worker.SendTimeout},
		compose: &composer{db: store, baseURL: strings.TrimRight(cfg.BaseURL, "/"), from: cfg.From,
			domain: domain, replies: replies, now: func() time.Time { return store.Now() }},
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.worker.run(ctx)
	}()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			select {
			case <-store.OutboxChanged():
				s.Nudge()
			case <-ctx.Done():
				return
			}
		}
	}()
	log.Info("mail: sending notifications", "smtp", fmt.Sprintf("%s:%d", cfg.Server.Host, cfg.Server.Port),
		"security", cfg.Server.Security, "from", cfg.From.String())
	return s, nil
}

// Nudge tells the worker that new rows are waiting, so they go out now
// rather than at the next poll. It never blocks.
func (s *Service) Nudge() {
	if s == nil || s.worker == nil {
		return
	}
	select {
	case s.worker.nudge <- struct{}{}:
	default:
	}
}

// InboundAddr is where the reply listener listens; nil when it is off.
func (s *Service) InboundAddr() net.Addr {
	if s == nil || s.inbound == nil {
		return nil
	}
	return s.inbound.addr
}

// Stop ends the listener (letting conversations in progress finish) and
// the worker (letting the message being sent finish and be recorded).
func (s *Service) Stop() {
	if s == nil {
		return
	}
	if s.inbound != nil {
		s.inbound.close(10 * time.Second)
	}
	if s.cancel != nil {
		s.cancel()
	}
	s.wg.Wait()
}
