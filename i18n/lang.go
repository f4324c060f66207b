// Package i18n is the helpdesk's languages: choosing one from a request,
// the English and Spanish catalogue of every string people read, and the
// formatting of dates, numbers and file sizes the way each language writes
// them.
package i18n

import (
	"strings"

	"golang.org/x/text/language"
)

// Lang is a supported language, by its ISO 639-1 code, which is also what
// tickets store and <html lang> carries.
type Lang string

// The supported languages. English is the default: it is what the API and
// the agents speak.
const (
	EN Lang = "en"
	ES Lang = "es"
)

// Langs lists the supported languages, the default first.
var Langs = []Lang{EN, ES}

var matcher = language.NewMatcher([]language.Tag{language.English, language.Spanish})

// Parse returns the supported language a BCP 47 tag names, in any of its
// spellings ("es", "ES", "es-MX", "es_MX", "es-419", "en-GB"; CONTRACT §5):
// the tag's base language decides. A tag of another language, or no tag,
// is not supported (false).
func Parse(code string) (Lang, bool) {
	tag, err := language.Parse(strings.ReplaceAll(strings.TrimSpace(code), "_", "-"))
	if err != nil {
		return "", false
	}
	base, _ := tag.Base()
	for _, l := range Langs {
		if string(l) == base.String() {
			return l, true
		}
	}
	return "", false
}

// Match picks the language for a request: an explicit choice (the
// switch's cookie) wins, then the browser's Accept-Language, then English.
func Match(choice, acceptLanguage string) Lang {
	if l, ok := Parse(choice); ok {
		return l
	}
	tag, _ := language.MatchStrings(matcher, acceptLanguage)
	if base, _ := tag.Base(); base.String() == "es" {
		return ES
	}
	return EN
}

// Other is the language the switch offers: the one not in use.
func (l Lang) Other() Lang {
	if l == ES {
		return EN
	}
	return ES
}

// Name is the language's name in itself, as a switch shows it.
func (l Lang) Name() string {
	if l == ES {
		return "Español"
	}
	return "English"
}
