package mail

import (
	"strings"
	"testing"

	gomail "github.com/wneessen/go-mail"
)

func TestParseServerURL(t *testing.T) {
	for _, tc := range []struct {
		name, url string
		want      Server
	}{
		{"STARTTLS", "smtp://mailer:s3cr%40t@smtp.example.com", Server{Host: "smtp.example.com", Port: 587, Security: "starttls", User: "mailer", Password: "s3cr@t"}},
		{"STARTTLSRequired", "smtp://u:p@smtp.example.com:2587?tls=required", Server{Host: "smtp.example.com", Port: 2587, Security: "starttls-required", User: "u", Password: "p"}},
		{"ImplicitTLS", "smtps://u:p@smtp.example.com", Server{Host: "smtp.example.com", Port: 465, Security: "tls", User: "u", Password: "p"}},
		{"Insecure", "smtp+insecure://127.0.0.1:2525", Server{Host: "127.0.0.1", Port: 2525, Security: "none"}},
		{"InsecureDefaultPort", "smtp+insecure://localhost", Server{Host: "localhost", Port: 25, Security: "none"}},
		{"Auth", "smtp://u:p@smtp.example.com?auth=login", Server{Host: "smtp.example.com", Port: 587, Security: "starttls", User: "u", Password: "p", Auth: gomail.SMTPAuthLogin}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseServerURL(tc.url)
			if err != nil {
				t.Fatal(err)
			}
			if *got != tc.want {
				t.Fatalf("ParseServerURL(%q) = %+v, want %+v", tc.url, *got, tc.want)
			}
		})
	}
	for _, tc := range []struct{ name, url string }{
		{"ErrScheme", "http://smtp.example.com"},
		{"ErrNoHost", "smtp://"},
		{"ErrPort", "smtp://smtp.example.com:99999"},
		{"ErrPath", "smtp://smtp.example.com/inbox"},
		{"ErrOption", "smtp://smtp.example.com?verify=no"},
		{"ErrAuth", "smtp://u:p@smtp.example.com?auth=magic"},
		{"ErrTLSOnSMTPS", "smtps://smtp.example.com?tls=required"},
		{"ErrNotAURL", "smtp://u:p%zz@smtp.example.com"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseServerURL(tc.url)
			if err == nil {
				t.Fatalf("ParseServerURL(%q) took it", tc.url)
			}
			if strings.Contains(err.Error(), "p%zz") {
				t.Fatalf("the error repeats the password: %v", err)
			}
		})
	}
}

func TestParseConfig(t *testing.T) {
	t.Run("Defaults", func(t *testing.T) {
		c, err := ParseConfig(Settings{BaseURL: "http://localhost:8080"})
		if err != nil {
			t.Fatal(err)
		}
		if c.Server != nil || c.From.Address != "soporte@localhost" || c.From.Name != "Kinconecta Soporte" || c.ReplyDomain != "" {
			t.Fatalf("defaults = %+v", c)
		}
	})
	t.Run("ReplyDomainFromBaseURL", func(t *testing.T) {
		c, err := ParseConfig(Settings{BaseURL: "https://Help.Kinconecta.com:8443/", Listen: "127.0.0.1:2525"})
		if err != nil || c.ReplyDomain != "help.kinconecta.com" {
			t.Fatalf("reply domain = %q, %v", c.ReplyDomain, err)
		}
	})
	for _, tc := range []struct {
		name string
		s    Settings
		flag string
	}{
		{"ErrFrom", Settings{From: "not an address"}, "--mail-from"},
		{"ErrFromInjection", Settings{From: "Ana <a@example.com>\r\nBcc: x@example.com"}, "--mail-from"},
		{"ErrSMTPURL", Settings{SMTPURL: "ftp://x"}, "--smtp-url"},
		{"ErrReplyDomain", Settings{Listen: ":2525", ReplyDomain: "not a domain"}, "--reply-domain"},
		{"ErrReplyDomainFromIPv6", Settings{Listen: ":2525", BaseURL: "http://[::1]:8080"}, "--reply-domain"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.s.BaseURL == "" {
				tc.s.BaseURL = "http://localhost:8080"
			}
			_, err := ParseConfig(tc.s)
			if err == nil || !strings.Contains(err.Error(), tc.flag) {
				t.Fatalf("ParseConfig(%+v) = %v, want an error naming %s", tc.s, err, tc.flag)
			}
		})
	}
}
