package filestore

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gabriel-vasile/mimetype"

	"github.com/kinconecta/helpdesk/db"
)

// typeExtensions lists, for each accepted type, the endings its files
// carry; the first is the one a name gets when it needs one.
var typeExtensions = map[string][]string{
	"image/png":       {".png"},
	"image/jpeg":      {".jpg", ".jpeg", ".jpe", ".jfif"},
	"image/gif":       {".gif"},
	"image/webp":      {".webp"},
	"image/heic":      {".heic", ".heif", ".hif"},
	"image/heif":      {".heif", ".heic", ".hif"},
	"application/pdf": {".pdf"},
	"text/plain":      {".txt"},
}

// binaryExtensions are endings that promise some other kind of file. A
// name ending in one of them is wrong for the bytes and loses it; any
// other ending ("Factura 2026.03", "notes.v2") is part of the name and
// stays, with the right extension added after it. Text files carry many
// endings of their own (.log, .csv, .md), so only these are replaced on
// them.
var binaryExtensions = map[string]bool{}

func init() {
	for _, exts := range typeExtensions {
		for _, e := range exts {
			if e != ".txt" {
				binaryExtensions[e] = true
			}
		}
	}
	for _, e := range strings.Fields(`.bmp .tif .tiff .svg .ico .avif .dng .cr2 .nef .raw .psd
		.doc .docx .xls .xlsx .ppt .pptx .odt .ods .odp .rtf .pages .numbers .key
		.zip .rar .7z .gz .tgz .tar .exe .dll .msi .bat .cmd .com .scr .apk .dmg .iso .jar
		.mp3 .mp4 .m4a .mov .avi .wav .ogg .webm .mkv .eml .msg .dat`) {
		binaryExtensions[e] = true
	}
}

// NameFor makes a file name's extension match the type detected from its
// bytes, so a download opens with the right program: "photo.HEIC" holding
// a JPEG becomes "photo.jpg" (the wrong extension is replaced, not kept
// in front of the right one: "photo.HEIC.jpg" would still read as a HEIC
// photo to a person); "scan" holding a PDF becomes "scan.pdf"; a name
// whose extension already fits ("IMG_1.JPEG") is kept as sent. The result
// is cleaned and bounded like any file name (db.CleanFileName), its
// extension kept when shortened.
func NameFor(name, mimeType string) string {
	name = db.CleanFileName(name)
	exts := typeExtensions[mimeType]
	if len(exts) == 0 {
		if ext := mimetype.Lookup(mimeType); ext != nil && ext.Extension() != "" {
			exts = []string{ext.Extension()}
		} else {
			return name
		}
	}
	stem, ext := splitExt(name)
	lower := strings.ToLower(ext)
	switch {
	case fits(ext, exts):
		return name
	case ext == "":
		// No extension: add one.
	case mimeType == "text/plain" && !binaryExtensions[lower]:
		return name // "server.log", "notes.md"
	case binaryExtensions[lower]:
		// The wrong extension goes; when the right one stands before it
		// ("invoice.pdf.exe" holding a PDF) nothing needs adding.
		if _, e := splitExt(stem); fits(e, exts) {
			return db.CleanFileName(stem)
		}
		name = stem
	}
	return db.CleanFileName(name + exts[0])
}

// fits reports whether ext (any case) is one of exts.
func fits(ext string, exts []string) bool {
	for _, e := range exts {
		if ext != "" && strings.EqualFold(ext, e) {
			return true
		}
	}
	return false
}

// splitExt splits "name.ext" into "name" and ".ext". An ending counts as
// an extension when it is short and made of letters and digits with at
// least one letter: "2026.03" and "Mr. Smith" have none.
func splitExt(name string) (stem, ext string) {
	i := strings.LastIndexByte(name, '.')
	if i <= 0 || i == len(name)-1 {
		return name, ""
	}
	e := name[i+1:]
	if utf8.RuneCountInString(e) > 5 {
		return name, ""
	}
	letter := false
	for _, r := range e {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
			letter = true
		case r >= '0' && r <= '9':
		default:
			return name, ""
		}
	}
	if !letter {
		return name, ""
	}
	return name[:i], name[i:]
}

// UnnamedFile names a file sent without a name from its detected type
// and its place among the message's unnamed files: "image-1.jpg",
// "attachment-2.pdf", "attachment-3.bin" when the type has no extension.
func UnnamedFile(n int, mimeType string) string {
	base := "attachment-"
	if strings.HasPrefix(mimeType, "image/") {
		base = "image-"
	}
	ext := ".bin"
	if exts := typeExtensions[mimeType]; len(exts) > 0 {
		ext = exts[0]
	} else if m := mimetype.Lookup(mimeType); m != nil && m.Extension() != "" {
		ext = m.Extension()
	}
	return base + strconv.Itoa(n) + ext
}
