package db

import (
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Field limits, in characters after trimming.
const (
	MaxNameLen     = 120
	MaxEmailLen    = 254
	MaxSubjectLen  = 200
	MaxMessageLen  = 10000
	MaxFileNameLen = 255
	MaxURLLen      = 2048
)

// AllowedTypes are the attachment types we accept, detected from content.
// HEIC and HEIF are what iPhones take photos in; they are stored and
// downloaded, never shown in place (browsers other than Safari cannot).
var AllowedTypes = []string{
	"image/png", "image/jpeg", "image/gif", "image/webp", "image/heic", "image/heif", "application/pdf", "text/plain",
}

// IsAllowedType reports whether mime is one of AllowedTypes.
func IsAllowedType(mime string) bool {
	for _, t := range AllowedTypes {
		if t == mime {
			return true
		}
	}
	return false
}

// multiLineFields are the text fields that hold paragraphs: a ticket's
// message, a message of the conversation, and the note of what an emailed
// reply left out. Every other text field (names, subjects, categories,
// file names, addresses) is one line.
var multiLineFields = map[string]bool{"message": true, "body": true, "leftOut": true, "signature": true}

// text validates one free-text field: valid UTF-8, no NUL, 1..max characters
// after trimming (0..max when optional), and, in a one-line field, no
// control character once trimmed: not even a tab or a line break, and
// neither ESC nor the C1 controls, which terminals and mail readers obey
// (a colour, a hyperlink, a cleared screen). It returns the trimmed value
// and whether it passed.
func (v *Invalid) text(field, value string, max int, required bool) (string, bool) {
	if !utf8.ValidString(value) {
		v.Add(field, "must be valid UTF-8 text")
		return "", false
	}
	if strings.ContainsRune(value, 0) {
		v.Add(field, "must not contain NUL characters")
		return "", false
	}
	if multiLineFields[field] {
		// One line end everywhere: forms send "\r\n", the API and email
		// whatever their writer used; a signature stored with "\r\n"
		// under a body with "\n" would break the text's lines apart.
		value = normalizeLineEnds(value)
	}
	value = strings.TrimSpace(value)
	if !multiLineFields[field] && strings.IndexFunc(value, unicode.IsControl) >= 0 {
		v.Add(field, "must not contain control characters")
		return value, false
	}
	n := utf8.RuneCountInString(value)
	switch {
	case n == 0 && required:
		v.Add(field, "is required")
		return value, false
	case n > max:
		v.Add(field, "must be at most "+strconv.Itoa(max)+" characters")
		return value, false
	}
	return value, true
}

// email validates an address: a bare addr-spec with a dotted domain.
func (v *Invalid) email(field, value string) string {
	value, ok := v.text(field, value, MaxEmailLen, true)
	switch {
	case !ok:
	case !validEmailSyntax(value):
		v.Add(field, "must be a valid email address")
	case emailTrouble(value) != "":
		v.Add(field, emailTrouble(value))
	}
	return value
}

// ValidEmail reports whether s is a plain address like ana@example.com:
// a mailbox on a domain. Address literals (ana@[93.184.216.34]) and bare
// IP addresses name a machine, which no requester's mailbox is on, and
// would give one inbox spellings the confirmation limits cannot tell
// apart; a top-level domain is never all digits (RFC 3696 §2). Nor may
// it hold an invisible character or a domain strict IDNA refuses
// (emailTrouble).
func ValidEmail(s string) bool {
	return validEmailSyntax(s) && emailTrouble(s) == ""
}

// validEmailSyntax is ValidEmail but for emailTrouble.
func validEmailSyntax(s string) bool {
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || addr.Name != "" {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	domain := s[at+1:]
	tld := domain[strings.LastIndexByte(domain, '.')+1:]
	return at > 0 && strings.Contains(domain, ".") && !strings.HasSuffix(domain, ".") &&
		!strings.ContainsAny(s, " \t\r\n<>\"") && !strings.HasPrefix(domain, "[") &&
		strings.Trim(tld, "0123456789") != ""
}

// CleanFileName strips any path a client sent with a file name and bounds
// its length, shortening the stem so the extension survives
// ("…long name….pdf"); an empty result becomes "file". Control and format
// characters go too (see keepInFileName): a right-to-left override makes
// "invoice\u202Efdp.exe" read "invoiceexe.pdf".
func CleanFileName(name string) string {
	if !utf8.ValidString(name) {
		name = strings.ToValidUTF8(name, "")
	}
	name = strings.Map(func(r rune) rune {
		if !keepInFileName(r) {
			return -1
		}
		return r
	}, name)
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.TrimSpace(name)
	if name == "." || name == ".." {
		name = ""
	}
	name = ShortenFileName(name, MaxFileNameLen)
	if name == "" {
		return "file"
	}
	return name
}

// maxExtLen is the longest ending ShortenFileName keeps whole as an
// extension (".json", ".heic", ".docx"); a longer "extension" is text.
const maxExtLen = 10

// ShortenFileName cuts name to at most max characters. It shortens the
// stem and keeps the extension: a file named after a long subject still
// opens with the right program.
func ShortenFileName(name string, max int) string {
	if utf8.RuneCountInString(name) <= max {
		return name
	}
	stem, ext := name, ""
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		if e := name[i:]; utf8.RuneCountInString(e) <= maxExtLen && !strings.ContainsAny(e, " \t") {
			stem, ext = name[:i], e
		}
	}
	keep := max - utf8.RuneCountInString(ext)
	if keep < 1 {
		stem, ext, keep = name, "", max
	}
	r := []rune(stem)
	if len(r) > keep {
		r = r[:keep]
	}
	return strings.TrimSpace(string(r)) + ext
}

// keepInFileName drops the quote (it ends a quoted header parameter), every
// control character (C0, DEL, C1), every format character (Unicode Cf: the
// bidi marks, embeddings, overrides and isolates U+061C, U+200E/F,
// U+202A–E, U+2066–9, zero-width spaces, the BOM, soft hyphens, tags) and
// the line and paragraph separators. It keeps the zero-width joiner and
// non-joiner, which Persian and Indic names and emoji need and which
// reorder nothing.
func keepInFileName(r rune) bool {
	switch {
	case r == '"':
		return false
	case r == '\u200C', r == '\u200D':
		return true
	case unicode.IsControl(r), unicode.Is(unicode.Cf, r), unicode.Is(unicode.Zl, r), unicode.Is(unicode.Zp, r):
		return false
	}
	return true
}

// reference validates a file hosted elsewhere, named in a JSON create.
func (v *Invalid) reference(field string, a *NewAttachment) {
	name, _ := v.text(field+".fileName", a.FileName, MaxFileNameLen, true)
	a.FileName = CleanFileName(name)
	u, err := url.Parse(a.ExternalURL)
	if len(a.ExternalURL) > MaxURLLen || err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
		v.Add(field+".fileUrl", "must be an https URL")
	}
	if !IsAllowedType(a.MimeType) {
		v.Add(field+".mimeType", "must be one of "+strings.Join(AllowedTypes, ", "))
	}
	if a.FileSize < 0 {
		v.Add(field+".fileSize", "must not be negative")
	}
}
