package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/kinconecta/helpdesk/db"
)

// userAdd creates an agent account; the password is one line of stdin.
func userAdd(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var data, dbURL, email, name, role string
	f := newFlags("user add", stderr)
	f.dataFlag(&data)
	databaseURLFlag(f, &dbURL)
	f.string(&email, "email", "", "", "the agent's email (their sign-in name)")
	f.string(&name, "name", "", "", "the agent's full name")
	f.string(&role, "role", "", "agent", "admin or agent")
	if err := f.parse(args); err != nil {
		return err
	}
	if email == "" || name == "" {
		return errUsage{"user add needs --email and --name"}
	}
	if role != db.RoleAdmin && role != db.RoleAgent {
		return errUsage{fmt.Sprintf("invalid --role %q: want admin or agent", role)}
	}
	line, err := bufio.NewReader(io.LimitReader(stdin, 4096)).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return errUsage{"user add reads the password from standard input (one line)"}
	}
	password := strings.TrimRight(line, "\r\n")

	// No lock on the folder (see lockDataDir): adding a row beside a
	// running server is safe.
	store, err := openForCommand(data, dbURL)
	if err != nil {
		return err
	}
	defer store.Close()
	u, err := store.CreateUser(context.Background(), db.NewUser{Email: email, Name: name, Role: role, Password: password})
	if err != nil {
		return diskFull(data, describe(err))
	}
	fmt.Fprintln(stdout, u.ID)
	return nil
}

// userResetPassword gives an account a new random password, printed alone
// on the last line, and ends its sessions: the way back in for an admin
// who lost the first start's password, or for anyone when no admin can
// send a set-password link. The password is meant for one sign-in: change
// it on the desk afterwards.
func userResetPassword(args []string, stdout, stderr io.Writer) error {
	var data, dbURL, email string
	f := newFlags("user reset-password", stderr)
	f.dataFlag(&data)
	databaseURLFlag(f, &dbURL)
	f.string(&email, "email", "", "", "the account's sign-in email")
	if err := f.parse(args); err != nil {
		return err
	}
	if strings.TrimSpace(email) == "" {
		return errUsage{"user reset-password needs --email"}
	}
	// No lock, as for user add: it changes one row.
	store, err := openForCommand(data, dbURL)
	if err != nil {
		return err
	}
	defer store.Close()
	ctx := context.Background()
	u, err := store.UserByEmail(ctx, email)
	if err != nil {
		return err
	}
	password := db.RandomPassword()
	if err := store.SetPassword(ctx, u.ID, password, ""); err != nil {
		return diskFull(data, err)
	}
	note := ""
	if !u.Active {
		note = " (the account is deactivated: an admin must reactivate it before it can sign in)"
	}
	fmt.Fprintf(stdout, "New password for %s; its sessions have ended%s. It is shown only now:\n%s\n", u.Email, note, password)
	return nil
}

// apikeyCreate mints an API key and prints it alone on the last line.
func apikeyCreate(args []string, stdout, stderr io.Writer) error {
	var data, dbURL, name, role string
	f := newFlags("apikey create", stderr)
	f.dataFlag(&data)
	databaseURLFlag(f, &dbURL)
	f.string(&name, "name", "", "", "what the key is for (the calling service)")
	f.string(&role, "role", "", "agent", "agent, or admin to also delete tickets")
	if err := f.parse(args); err != nil {
		return err
	}
	if strings.TrimSpace(name) == "" {
		return errUsage{"apikey create needs --name"}
	}
	if role != db.RoleAdmin && role != db.RoleAgent {
		return errUsage{fmt.Sprintf("invalid --role %q: want agent or admin", role)}
	}
	// No lock on the folder (see lockDataDir): operators mint keys on a
	// live server.
	store, err := openForCommand(data, dbURL)
	if err != nil {
		return err
	}
	defer store.Close()
	k, secret, err := store.CreateAPIKey(context.Background(), name, role)
	if err != nil {
		return diskFull(data, describe(err))
	}
	fmt.Fprintf(stdout, "API key %d (%s, role %s); it is shown only now:\n%s\n", k.ID, k.Name, k.Role, secret)
	return nil
}

// backup copies the database and attachments into a folder while the
// server may be running. With --files-url the attachments are in a bucket
// and it copies the database only: the bucket's own versioning or
// replication is the files' backup (CONTRACT §9: existing engines, no
// home-made replication).
func backup(args []string, stdout, stderr io.Writer) error {
	var data, dbURL, filesURL string
	f := newFlags("backup", stderr)
	f.dataFlag(&data)
	databaseURLFlag(f, &dbURL)
	filesURLFlag(f, &filesURL)
	if err := f.parse(args); err != nil {
		return err
	}
	if err := checkDatabaseURL("--database-url", dbURL); err != nil {
		return err
	}
	if dbURL != "" {
		// PostgreSQL has its own tools, made for the job and for a
		// database that is written meanwhile (CONTRACT §9: existing
		// engines, nothing home-made).
		return errUsage{"backup copies the embedded database; with --database-url back up PostgreSQL with pg_dump (pg_dump -Fc -f helpdesk.dump URL) or the database server's own backups, and the attachments with the bucket's versioning or replication (without --files-url: a copy of the data folder's attachments)"}
	}
	bucket, err := parseFilesURL(filesURL)
	if err != nil {
		return err
	}
	if f.NArg() != 1 {
		return errUsage{"usage: helpdesk backup [--data DIR] DIR"}
	}
	target := f.Arg(0)
	if err := checkHoldsDatabase(data, "nothing to back up"); err != nil {
		return err
	}
	// Before the lock, which would create the folder.
	if err := checkBackupTarget(data, target); err != nil {
		return err
	}
	// The target is a data folder being written: nothing may serve it
	// meanwhile. The source is not locked, as the server runs on it.
	lock, err := lockDataDir(target)
	if err != nil {
		return err
	}
	defer lock.release()
	// Opening the source writes to it (its WAL), as a server does.
	if err := checkWritable(data); err != nil {
		return err
	}
	store, err := db.Open(data)
	if err != nil {
		return diskFull(data, err)
	}
	defer store.Close()
	filesDir := filepath.Join(data, "attachments")
	if bucket != nil {
		filesDir = "" // the database only
	}
	r, err := store.Backup(context.Background(), target, filesDir)
	if db.IsStorageFull(err) {
		return fmt.Errorf("the disk holding backup folder %s is full, so the backup did not finish: free space on it or choose another folder, then run the backup again (it starts over)", target)
	}
	if err != nil {
		return err
	}
	if bucket != nil {
		fmt.Fprintf(stdout, "backed up %s: the database only; the attachment files stay in %s, whose own versioning or replication is their backup\n", target, bucket)
		return nil
	}
	fmt.Fprintf(stdout, "backed up %s: database and %d attachment files\n", target, r.Files)
	return nil
}

// describe turns a validation error into one readable line.
func describe(err error) error {
	var de *db.Error
	if !errors.As(err, &de) || len(de.Fields) == 0 {
		return err
	}
	parts := make([]string, len(de.Fields))
	for i, fe := range de.Fields {
		parts[i] = fe.Field + " " + fe.Message
	}
	return errors.New(strings.Join(parts, "; "))
}
