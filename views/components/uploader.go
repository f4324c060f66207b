package components

import (
	"strconv"
	"strings"

	"github.com/kinconecta/helpdesk/i18n"
)

// Upload describes a file input that the page's script turns into a drop
// zone with a list of chosen files, checked against the same limits the
// server enforces before anything is sent.
type Upload struct {
	Lang         i18n.Lang
	Name         string // the input's name and id: "attachments"
	Label        string
	Error        string
	MaxFileBytes int64
	MaxFiles     int      // how many more files this form may send
	Accept       []string // MIME types the server accepts
	// Test hooks: the drop zone's and the file list's data-testid.
	DropTestID string
	ListTestID string
}

// extensions maps each accepted type to the file name endings pickers
// use, as some systems filter by extension only.
var extensions = map[string]string{
	"image/png": ".png", "image/jpeg": ".jpg,.jpeg", "image/gif": ".gif",
	"image/webp": ".webp", "image/heic": ".heic", "image/heif": ".heif", "application/pdf": ".pdf", "text/plain": ".txt,.log,.csv",
}

func (u Upload) acceptAttr() string {
	parts := append([]string{}, u.Accept...)
	for _, t := range u.Accept {
		if e := extensions[t]; e != "" {
			parts = append(parts, e)
		}
	}
	return strings.Join(parts, ",")
}

func (u Upload) hint() string {
	return u.Lang.T("upload.hint", u.Lang.Size(u.MaxFileBytes), strconv.Itoa(u.MaxFiles))
}

func (u Upload) describedBy() string {
	ids := u.Name + "-hint"
	if u.Error != "" {
		ids += " " + u.Name + "-error"
	}
	return ids
}
