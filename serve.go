package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/filestore"
	"github.com/kinconecta/helpdesk/handlers"
	"github.com/kinconecta/helpdesk/internal/connlimit"
	"github.com/kinconecta/helpdesk/mail"
)

// serveConfig is everything serve reads from flags and the environment.
type serveConfig struct {
	data       string
	addr       string
	baseURL    string
	maxFileMB  int
	maxFiles   int
	createRate int
	minFreeMB  int
	adminEmail string
	mail       mail.Config
	// maxConnsPerIP bounds one client address's open connections.
	maxConnsPerIP int
	// How long a client may take to send its headers, and may go silent
	// while sending a body.
	headerTimeout, bodyIdleTimeout time.Duration
	// bodyMinRate is the average rate, in bytes a second, a body must keep
	// after its first minute.
	bodyMinRate int
	// trustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client.
	trustedProxies []netip.Prefix
	// files is the bucket of --files-url; nil keeps files in the data
	// folder.
	files *filestore.BucketConfig
	// databaseURL is --database-url: PostgreSQL; "" keeps the embedded
	// SQLite in the data folder.
	databaseURL string
}

// defaultMaxConnsPerIP leaves room behind one address for a few dozen
// browsers (six connections each) sharing a NAT or a carrier's CGNAT, as
// tourists on mobile networks do, and for an API client's connection pool;
// yet at the 10,000-connection ceiling it takes 40 addresses to fill the
// server, and under a tight descriptor limit the total cap protects it.
const defaultMaxConnsPerIP = 256

// The reply listener's share of the connections the descriptor limit
// allows. Replies arrive a few at a time, so 100 at once is ample, and at
// most an eighth of the budget leaves the web server nearly all of it
// under a tight limit. 20 per client address: with a relay in front (the
// recommended set-up) every reply comes from the relay's one address, and
// 20 is Postfix's default concurrency towards one destination
// (default_destination_concurrency_limit); a relay past it is refused a
// connection and simply tries again, and senders delivering directly open
// a few connections each.
const (
	replyConnsMax       = 100
	replyConnsPerClient = 20
)

func parseServe(args []string, stderr io.Writer) (serveConfig, error) {
	var c serveConfig
	f := newFlags("serve", stderr)
	f.dataFlag(&c.data)
	f.string(&c.addr, "addr", "HELPDESK_ADDR", ":8080", "listen address")
	f.string(&c.baseURL, "base-url", "HELPDESK_BASE_URL", "http://localhost:8080", "absolute base of links in emails and trackingUrl")
	f.int(&c.maxFileMB, "max-file-mb", "HELPDESK_MAX_FILE_MB", 10, "largest attachment, in MiB")
	f.int(&c.maxFiles, "max-files", "HELPDESK_MAX_FILES", 20, "attachments per ticket")
	f.int(&c.createRate, "create-rate", "HELPDESK_CREATE_RATE", 30, "public creates and uploads per minute per client address; 0 turns the limit off")
	f.int(&c.minFreeMB, "min-free-mb", "HELPDESK_MIN_FREE_MB", 256, "free space, in MiB, below which the data folder takes no new tickets, messages or files (507) and /readyz answers 503; 0 turns the floor off")
	f.string(&c.adminEmail, "admin-email", "HELPDESK_ADMIN_EMAIL", "admin@helpdesk.local", "email of the admin account made on first start")
	f.int(&c.maxConnsPerIP, "max-conns-per-ip", "HELPDESK_MAX_CONNS_PER_IP", defaultMaxConnsPerIP, "open connections per client address (IPv6: per /64); 0 turns the limit off, for a reverse proxy in front")
	f.duration(&c.headerTimeout, "header-timeout", "HELPDESK_HEADER_TIMEOUT", handlers.DefaultHeaderTimeout, "time a client has to send a request's line and headers")
	f.duration(&c.bodyIdleTimeout, "body-idle-timeout", "HELPDESK_BODY_IDLE_TIMEOUT", handlers.DefaultBodyIdleTimeout, "time a request body may go without a byte arriving (uploads have no total time limit, only sizes)")
	f.int(&c.bodyMinRate, "body-min-rate", "HELPDESK_BODY_MIN_RATE", handlers.DefaultBodyMinRate, "average bytes a second a request body must keep once it has taken a minute (408 otherwise); 0 turns the floor off")
	var proxies string
	var filesURL string
	filesURLFlag(f, &filesURL)
	databaseURLFlag(f, &c.databaseURL)
	f.string(&proxies, "trusted-proxies", "HELPDESK_TRUSTED_PROXIES", "", "comma-separated CIDR ranges of reverse proxies whose X-Forwarded-For names the client, for sign-in throttles and --create-rate; empty trusts none")
	var ms mail.Settings
	f.string(&ms.SMTPURL, "smtp-url", "HELPDESK_SMTP_URL", "", "SMTP server for notifications: smtp://user:pass@host:587 (STARTTLS when offered), smtps://… (TLS), smtp+insecure://host:port; empty keeps them queued")
	f.string(&ms.From, "mail-from", "HELPDESK_MAIL_FROM", mail.DefaultFrom, "From of notification emails")
	f.string(&ms.Listen, "smtp-listen", "HELPDESK_SMTP_LISTEN", "", "address of the built-in SMTP listener for email replies, e.g. 127.0.0.1:2525; empty turns it off")
	f.string(&ms.ReplyDomain, "reply-domain", "HELPDESK_REPLY_DOMAIN", "", "domain of reply addresses (default: the host of --base-url)")
	f.string(&ms.SupportAddress, "support-address", "HELPDESK_SUPPORT_ADDRESS", "", "address whose mail opens new tickets, e.g. help@example.com (needs --smtp-listen); empty opens none")
	f.int(&ms.ConfirmPerAddress, "confirm-per-address", "HELPDESK_CONFIRM_PER_ADDRESS", mail.DefaultConfirmPerAddress, "ticket-created confirmations an hour to one address (case and +tag ignored); more are not sent; 0 turns the limit off")
	f.int(&ms.ConfirmPerDomain, "confirm-per-domain", "HELPDESK_CONFIRM_PER_DOMAIN", mail.DefaultConfirmPerDomain, "ticket-created confirmations an hour to one domain; more are not sent; 0 turns the limit off")
	if err := f.parse(args); err != nil {
		return c, err
	}
	if f.NArg() > 0 {
		return c, errUsage{fmt.Sprintf("serve takes no arguments, got %q", f.Arg(0))}
	}
	if !f.isSet("base-url", "HELPDESK_BASE_URL") && f.isSet("addr", "HELPDESK_ADDR") {
		// Links must reach this server: with only --addr changed, the
		// default http://localhost:8080 would not.
		c.baseURL = baseURLFor(c.addr)
	}
	u, err := url.Parse(c.baseURL)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return c, errUsage{fmt.Sprintf("invalid --base-url %q: want http(s)://host[:port]", c.baseURL)}
	case c.maxFileMB < 1 || c.maxFileMB > 1024:
		return c, errUsage{fmt.Sprintf("invalid --max-file-mb %d: want 1 to 1024", c.maxFileMB)}
	case c.maxFiles < 1 || c.maxFiles > 1000:
		return c, errUsage{fmt.Sprintf("invalid --max-files %d: want 1 to 1000", c.maxFiles)}
	case c.headerTimeout < time.Second || c.headerTimeout > 10*time.Minute:
		return c, errUsage{fmt.Sprintf("invalid --header-timeout %v: want 1s to 10m", c.headerTimeout)}
	case c.bodyIdleTimeout < time.Second || c.bodyIdleTimeout > 10*time.Minute:
		return c, errUsage{fmt.Sprintf("invalid --body-idle-timeout %v: want 1s to 10m", c.bodyIdleTimeout)}
	case c.createRate < 0:
		return c, errUsage{fmt.Sprintf("invalid --create-rate %d: want 0 or more", c.createRate)}
	case c.minFreeMB < 0 || c.minFreeMB > 1<<20:
		return c, errUsage{fmt.Sprintf("invalid --min-free-mb %d: want 0 to 1048576", c.minFreeMB)}
	case c.maxConnsPerIP < 0:
		return c, errUsage{fmt.Sprintf("invalid --max-conns-per-ip %d: want 0 or more", c.maxConnsPerIP)}
	case c.bodyMinRate < 0:
		return c, errUsage{fmt.Sprintf("invalid --body-min-rate %d: want 0 or more bytes a second", c.bodyMinRate)}
	case !db.ValidEmail(c.adminEmail):
		return c, errUsage{fmt.Sprintf("invalid --admin-email %q", c.adminEmail)}
	}
	if c.trustedProxies, err = handlers.ParseTrustedProxies(proxies); err != nil {
		return c, errUsage{fmt.Sprintf("invalid --trusted-proxies: %v", err)}
	}
	if c.files, err = parseFilesURL(filesURL); err != nil {
		return c, err
	}
	if err := checkDatabaseURL("--database-url", c.databaseURL); err != nil {
		return c, err
	}
	ms.BaseURL = c.baseURL
	if c.mail, err = mail.ParseConfig(ms); err != nil {
		return c, errUsage{err.Error()}
	}
	c.mail.Inbound.MaxFileBytes, c.mail.Inbound.MaxFiles = int64(c.maxFileMB)<<20, c.maxFiles
	c.mail.Inbound.MinFreeBytes = int64(c.minFreeMB) << 20
	return c, nil
}

// serve runs the helpdesk until SIGINT or SIGTERM, then lets in-flight
// requests finish before closing the database and exiting 0.
func serve(args []string, stderr io.Writer) error {
	cfg, err := parseServe(args, stderr)
	if err != nil {
		return err
	}
	// Before anything touches the folder: a second server here would sweep
	// the first one's uploads in progress and send its emails again. With
	// PostgreSQL and a bucket the folder holds nothing of the helpdesk and
	// is left alone.
	var local *filestore.Store
	if cfg.keepsStateInDataDir() {
		lock, err := lockDataDir(cfg.data)
		if err != nil {
			return err
		}
		defer lock.release()
		if err := checkWritable(cfg.data, "attachments", filepath.Join("attachments", "tmp")); err != nil {
			return err
		}
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	slog.SetDefault(log)

	store, err := openStore(cfg.data, cfg.databaseURL)
	if err != nil {
		return err
	}
	defer closeWithin(closeTimeout, "the database", store.Close)
	if cfg.keepsStateInDataDir() {
		if local, err = filestore.Open(cfg.data); err != nil {
			return err
		}
	}
	var files filestore.Files = local
	if cfg.files != nil {
		// With the embedded engine the data folder still holds the
		// database: its floor and reserve still guard it (see
		// filestore.Bucket.BelowFloor). local is nil on PostgreSQL.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		bucket, err := filestore.OpenBucket(ctx, *cfg.files, local)
		cancel()
		if err != nil {
			return err
		}
		bucket.UseJournal(store)
		files = bucket
	}
	if err := sweepOrphans(store, files); err != nil {
		return err
	}
	// Room kept aside for an admin to sign in and delete on a full disk
	// (filestore.ReserveName); taken before the floor is measured, which
	// counts it as used.
	if local != nil {
		stopReserve := local.KeepReserve()
		defer stopReserve()
	}
	floor := int64(cfg.minFreeMB) << 20
	if low, free, _ := files.BelowFloor(floor, true); low {
		log.Warn("the data folder is below its free-space floor: new tickets, messages and files are refused (507) until there is room",
			"data", cfg.data, "free", fmt.Sprintf("%.1f MiB", float64(free)/(1<<20)), "floor", fmt.Sprintf("%.1f MiB", float64(floor)/(1<<20)))
	}
	// One budget for every connection of the process, each with room for
	// a file it may hold open (connlimit.DescriptorLimit): the reply
	// listener's share comes out of it, the web server has the rest.
	webConns := connlimit.DescriptorLimit()
	if cfg.mail.Listen != "" {
		cfg.mail.Inbound.Conns = connlimit.Limits{Total: min(replyConnsMax, webConns/8), PerClient: replyConnsPerClient}
		webConns -= cfg.mail.Inbound.Conns.Total
	}
	notifier, err := mail.Start(store, files, cfg.mail, log)
	if err != nil {
		return err
	}
	// Before store.Close: the worker records what it sent.
	defer closeWithin(closeTimeout, "the mail worker", func() error { notifier.Stop(); return nil })

	// The listener, made below once the address is bound, tells the web
	// layer when it is under pressure.
	var conns *connlimit.Listener
	app := handlers.New(handlers.Config{
		BaseURL:         cfg.baseURL,
		MaxFileBytes:    int64(cfg.maxFileMB) << 20,
		MaxFiles:        cfg.maxFiles,
		CreateRate:      cfg.createRate,
		MinFreeBytes:    int64(cfg.minFreeMB) << 20,
		HeaderTimeout:   cfg.headerTimeout,
		BodyIdleTimeout: cfg.bodyIdleTimeout,
		BodyMinRate:     int64(cfg.bodyMinRate),
		TrustedProxies:  cfg.trustedProxies,
		UnderPressure:   func() bool { return conns != nil && conns.Pressed() },
	}, store, files)

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("unable to listen on %s: %w", cfg.addr, err)
	}
	// Only now: a first start that cannot listen must not spend the
	// one-time password on a server nobody can reach.
	if err := ensureAdmin(store, cfg.adminEmail); err != nil {
		return err
	}
	if warning := baseURLMismatch(cfg.baseURL, ln.Addr()); warning != "" {
		log.Warn(warning, "base_url", cfg.baseURL, "listening", ln.Addr().String())
	}
	conns = connlimit.New(ln, connlimit.Limits{Total: webConns, PerClient: cfg.maxConnsPerIP}, log)
	conns.SetPressureTimeout(handlers.PressureTimeout)
	limits := conns.Limits()
	// fasthttp tells which connections wait between requests: those are
	// what the listener closes, the longest idle first, to admit a new
	// client at the total cap.
	connState := app.Server().ConnState
	app.Server().ConnState = func(c net.Conn, st fasthttp.ConnState) {
		conns.MarkIdle(c, st == fasthttp.StateIdle)
		if connState != nil {
			connState(c, st)
		}
	}
	listenErr := make(chan error, 1)
	go func() { listenErr <- app.Listener(conns) }()
	log.Info("helpdesk listening", append([]any{"addr", ln.Addr().String(), "data", cfg.data, "database", databaseWhere(cfg.data, cfg.databaseURL), "files", filesWhere(cfg), "base_url", cfg.baseURL,
		"max_conns", limits.Total, "max_conns_per_ip", limits.PerClient}, perClientNote(cfg.maxConnsPerIP, limits)...)...)

	select {
	case err := <-listenErr:
		return fmt.Errorf("unable to listen on %s: %w", cfg.addr, err)
	case s := <-sig:
		log.Info("shutting down: draining requests", "signal", s.String())
	}
	stopSweep := conns.CloseUnusedUntil()
	err = app.ShutdownWithTimeout(30 * time.Second)
	stopSweep()
	if err != nil {
		log.Warn("shutdown did not drain every request", "err", err)
	}
	log.Info("stopped")
	return nil
}

// closeTimeout bounds each step of the exit after the requests have
// drained: a database that stopped answering (a frozen PostgreSQL) would
// otherwise hold the process past SIGTERM for as long as it hangs.
const closeTimeout = 15 * time.Second

// closeWithin runs close, giving up after d with a warning: what it has
// not finished was never acknowledged to anyone (the requests have
// drained), and the server closes the connections as the process ends.
func closeWithin(d time.Duration, what string, close func() error) {
	done := make(chan error, 1)
	go func() { done <- close() }()
	select {
	case err := <-done:
		if err != nil {
			slog.Warn("unable to close "+what, "err", err)
		}
	case <-time.After(d):
		slog.Warn("gave up waiting to close "+what, "after", d.String())
	}
}

// filesWhere names where attachments are kept, for the log.
func filesWhere(cfg serveConfig) string {
	if cfg.files != nil {
		return cfg.files.String()
	}
	return filepath.Join(cfg.data, "attachments")
}

// sweepOrphans removes what a crash between writing a file and
// committing its row (or after deleting it) leaves. A data folder's files
// no row names are swept by the one process that owns the folder
// (keepsStateInDataDir). A bucket sweeps only the leftovers its journal
// names (filestore.Journal): an object no row names may be another
// helpdesk's on the same prefix, or newer than the backup a restored
// database came from (a fresh tester's restore drill deleted the live
// helpdesk's newest file when the bucket was swept by rows).
func sweepOrphans(store *db.DB, files filestore.Files) error {
	var known map[string]bool
	if _, journaled := files.(*filestore.Bucket); !journaled {
		// Only a data folder's sweep reads every row's name.
		known = map[string]bool{}
		if err := store.StorageNames(context.Background(), func(n string) { known[n] = true }); err != nil {
			return err
		}
	}
	n, err := files.Sweep(known)
	if n > 0 {
		slog.Info("removed orphan attachment files", "count", n)
	}
	if err != nil || known == nil {
		return err
	}
	// A data folder is swept by its rows, so the journal the store keeps
	// of deleted files (for a bucket) means nothing here: drop what is
	// due, or it would grow by one row for every file ever deleted.
	ctx := context.Background()
	for {
		stale, err := store.StaleFileIntents(ctx)
		if err != nil || len(stale) == 0 {
			return err
		}
		if err := store.ForgetFileIntents(ctx, stale); err != nil {
			return err
		}
	}
}

// ensureAdmin creates the first admin on a first start, printing its
// one-time password once.
//
// Several processes may start at once on one PostgreSQL database: the
// store makes the account only while none exists, in one serializable
// write, so exactly one start makes it and prints its password, whatever
// --admin-email each was given; the others say so and go on.
func ensureAdmin(store *db.DB, email string) error {
	ctx := context.Background()
	n, err := store.CountUsers(ctx)
	if err != nil || n > 0 {
		return err
	}
	password := db.RandomPassword()
	_, created, err := store.CreateFirstUser(ctx, db.NewUser{Email: email, Name: "Administrator", Role: db.RoleAdmin, Password: password})
	if err != nil {
		return fmt.Errorf("unable to create the first admin: %w", err)
	}
	if !created {
		slog.Info("first start: another helpdesk process created the admin account")
		return nil
	}
	slog.Warn("first start: created an admin account; this password is shown only now",
		"email", email, "password", password)
	return nil
}

// perClientNote is the start-up line's note when the per-address cap in
// force is lower than --max-conns-per-ip asked (connlimit.Limits.Effective).
func perClientNote(asked int, limits connlimit.Limits) []any {
	if limits.PerClient == asked {
		return nil
	}
	return []any{"max_conns_per_ip_note", fmt.Sprintf("lowered from %d to a quarter of max_conns (at least 16), so that one address cannot hold them all", asked)}
}
