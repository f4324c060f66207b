package main

import (
	"net/url"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/kinconecta/helpdesk/db"
)

// databaseURLFlag declares --database-url (HELPDESK_DATABASE_URL), taken
// by every command that opens the store.
func databaseURLFlag(f *flags, v *string) {
	f.string(v, "database-url", "HELPDESK_DATABASE_URL", "",
		"PostgreSQL (15 or later) instead of the embedded SQLite: postgres://USER:PASSWORD@HOST[:PORT]/DATABASE[?sslmode=…]; empty keeps the database in --data")
}

// checkDatabaseURL reads --database-url: nil for "" (the embedded SQLite)
// or a postgres:// or postgresql:// URL pgx can connect with; otherwise a
// usage error naming the flag. The messages never repeat the URL as given
// (url.Parse's and some of pgx's errors quote it, password and all), only
// its redacted form.
func checkDatabaseURL(raw string) error {
	if raw == "" {
		return nil
	}
	want := "want postgres://USER:PASSWORD@HOST[:PORT]/DATABASE, or empty for the embedded SQLite in --data"
	u, err := url.Parse(raw)
	if err != nil {
		return errUsage{"invalid --database-url: not a URL; " + want}
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return errUsage{"invalid --database-url " + redactURL(raw) + ": " + want}
	}
	if _, err := pgx.ParseConfig(raw); err != nil {
		return errUsage{"invalid --database-url " + redactURL(raw) + ": " + want}
	}
	return nil
}

// redactURL is a database URL fit for a log line or a message: its
// password, in the user part or the password parameter, replaced by
// xxxxx; a URL that does not parse is not shown at all.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(a URL that does not parse)"
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	q := u.Query()
	for k := range q {
		if strings.EqualFold(k, "password") {
			q.Set(k, "xxxxx")
			u.RawQuery = q.Encode()
		}
	}
	return u.String()
}

// openStore opens the helpdesk's database: PostgreSQL when databaseURL is
// set, else the embedded SQLite in the data folder.
func openStore(data, databaseURL string) (*db.DB, error) {
	if databaseURL != "" {
		return db.OpenPostgres(databaseURL)
	}
	return db.Open(data)
}

// databaseWhere names the database for the log: the SQLite file, or the
// redacted PostgreSQL URL.
func databaseWhere(data, databaseURL string) string {
	if databaseURL != "" {
		return redactURL(databaseURL)
	}
	return filepath.Join(data, db.FileName)
}

// openForCommand opens the store for a command that changes a few rows
// beside a running server (user add, apikey create…): the embedded
// database after checking its folder can be written, or PostgreSQL, which
// needs nothing of the data folder.
func openForCommand(data, databaseURL string) (*db.DB, error) {
	if err := checkDatabaseURL(databaseURL); err != nil {
		return nil, err
	}
	if databaseURL == "" {
		if err := checkWritable(data); err != nil {
			return nil, err
		}
	}
	store, err := openStore(data, databaseURL)
	if err != nil {
		return nil, diskFull(data, err)
	}
	return store, nil
}
