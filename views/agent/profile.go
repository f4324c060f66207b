package agent

import (
	"strconv"

	"github.com/kinconecta/helpdesk/i18n"
	"github.com/kinconecta/helpdesk/views/components"
)

// Profile is /agent/profile: the signed-in agent's own name, signature
// and language, their password, and their other sessions.
type Profile struct {
	Frame FrameMeta
	Email string

	Name      string
	Signature string
	Language  string // "", "en" or "es"
	Errors    components.Errors

	PasswordErrors components.Errors
	// Sessions counts the agent's live sessions, this one included.
	Sessions int
	// Notice confirms what was just done; "" for none.
	Notice string
}

func (p Profile) lang() i18n.Lang { return p.Frame.Lang }

func (p Profile) nameField() components.Field {
	return components.Field{Lang: p.lang(), Name: "name", Type: "text", Required: true, Autocomplete: "name",
		Label: p.lang().T("profile.name"), Hint: p.lang().T("profile.nameHint"), Value: p.Name, Error: p.Errors.For("name")}
}

func (p Profile) signatureField() components.Field {
	return components.Field{Lang: p.lang(), Name: "signature", Type: "textarea", Rows: 4,
		Label: p.lang().T("profile.signature"), Hint: p.lang().T("profile.signatureHint"), Value: p.Signature, Error: p.Errors.For("signature")}
}

func (p Profile) currentField() components.Field {
	return components.Field{Lang: p.lang(), Name: "current", Type: "password", Required: true, Autocomplete: "current-password",
		Label: p.lang().T("profile.current"), Error: p.PasswordErrors.For("current")}
}

func (p Profile) passwordField() components.Field {
	return components.Field{Lang: p.lang(), Name: "password", Type: "password", Required: true, Autocomplete: "new-password",
		Label: p.lang().T("profile.newPassword"), Hint: p.lang().T("profile.passwordHint"), Error: p.PasswordErrors.For("password")}
}

// ProfileLanguages are the language choices: the browser's, or one of ours.
var ProfileLanguages = []string{"", "en", "es"}

func (p Profile) languageLabel(code string) string {
	if code == "" {
		return p.lang().T("profile.language.browser")
	}
	return p.lang().T("profile.language." + code)
}

func (p Profile) sessionsText() string {
	return p.lang().T("profile.sessionsCount", strconv.Itoa(p.Sessions))
}
