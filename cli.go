package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

const usage = `usage: helpdesk [command] [flags]

commands:
  serve                 run the helpdesk (the default)
  user add              create an agent account (password on standard input)
  user reset-password   give an account a new password, printed once
  apikey create         mint an API key; printed alone on the last line
  backup DIR            copy the database and attachments into DIR, online
  migrate --to URL      copy this helpdesk into an empty PostgreSQL database
                        (and, with --files-url, its files into a bucket)

every command takes --data DIR (env HELPDESK_DATA, default ./data), and
those that open the database --database-url (env HELPDESK_DATABASE_URL):
PostgreSQL instead of the embedded SQLite;
run "helpdesk COMMAND -h" for a command's flags.
`

// errUsage ends the program with status 2 after its one-line message.
type errUsage struct{ msg string }

func (e errUsage) Error() string { return e.msg }

// run dispatches to a command and turns its outcome into an exit status:
// 0 done, 2 bad usage (one line on stderr), 1 anything else.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	err := dispatch(args, stdin, stdout, stderr)
	var ue errUsage
	switch {
	case err == nil || errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintln(stderr, "helpdesk: "+ue.msg)
		return 2
	default:
		fmt.Fprintln(stderr, "helpdesk: "+err.Error())
		return 1
	}
}

func dispatch(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	sub := func() (string, []string) {
		if len(args) == 0 || strings.HasPrefix(args[0], "-") {
			return "", args
		}
		return args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(args, stderr)
	case "user":
		switch s, rest := sub(); s {
		case "add":
			return userAdd(rest, stdin, stdout, stderr)
		case "reset-password":
			return userResetPassword(rest, stdout, stderr)
		}
		return errUsage{"usage: helpdesk user add --email E --name N --role admin|agent, or helpdesk user reset-password --email E"}
	case "apikey":
		if s, rest := sub(); s == "create" {
			return apikeyCreate(rest, stdout, stderr)
		}
		return errUsage{"usage: helpdesk apikey create --name NAME [--role agent|admin]"}
	case "backup":
		return backup(args, stdout, stderr)
	case "migrate":
		return migrateCmd(args, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		return errUsage{fmt.Sprintf("unknown command %q; run helpdesk help", cmd)}
	}
}

// flags is a FlagSet whose flags fall back to environment variables. Flags
// win over the environment; a bad value in either is a usage error.
type flags struct {
	*flag.FlagSet
	envErr error
	usage  func() // the flag list, printed for -h only
}

func newFlags(name string, stderr io.Writer) *flags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported in one line by run
	f := &flags{FlagSet: fs}
	// The flag package calls Usage on every parse error; keep it silent so
	// a bad flag costs one line, and print the list ourselves for -h.
	fs.Usage = func() {}
	f.usage = func() {
		fs.SetOutput(stderr)
		fmt.Fprintf(stderr, "usage of helpdesk %s:\n", name)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return f
}

func (f *flags) string(p *string, name, env, def, help string) {
	if v, ok := os.LookupEnv(env); ok && env != "" {
		def = v
	}
	f.StringVar(p, name, def, help+envNote(env))
}

func (f *flags) int(p *int, name, env string, def int, help string) {
	if v, ok := os.LookupEnv(env); ok && env != "" {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil && f.envErr == nil {
			f.envErr = errUsage{fmt.Sprintf("invalid value %q for %s: not a whole number", v, env)}
		}
		def = n
	}
	f.IntVar(p, name, def, help+envNote(env))
}

func (f *flags) duration(p *time.Duration, name, env string, def time.Duration, help string) {
	if v, ok := os.LookupEnv(env); ok && env != "" {
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if err != nil && f.envErr == nil {
			f.envErr = errUsage{fmt.Sprintf("invalid value %q for %s: want a duration such as 30s", v, env)}
		}
		def = d
	}
	f.DurationVar(p, name, def, help+envNote(env))
}

// isSet reports whether a flag was given, or its environment variable.
func (f *flags) isSet(name, env string) bool {
	if _, ok := os.LookupEnv(env); ok && env != "" {
		return true
	}
	set := false
	f.Visit(func(fl *flag.Flag) { set = set || fl.Name == name })
	return set
}

func envNote(env string) string {
	if env == "" {
		return ""
	}
	return " (env " + env + ")"
}

// dataFlag adds the --data flag every command takes.
func (f *flags) dataFlag(p *string) {
	f.string(p, "data", "HELPDESK_DATA", "./data", "folder for the database and attachments")
}

// parse parses args, turning every problem into a one-line usage error.
func (f *flags) parse(args []string) error {
	if f.envErr != nil {
		return f.envErr
	}
	if err := f.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			f.usage()
			return err
		}
		return errUsage{strings.SplitN(err.Error(), "\n", 2)[0]}
	}
	return nil
}
