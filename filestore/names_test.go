package filestore

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kinconecta/helpdesk/db"
)

// TestNameFor: a stored name's extension is the one of the type detected
// from the bytes, whatever the uploader called the file.
func TestNameFor(t *testing.T) {
	long := strings.Repeat("Reserva del tour a Teotihuacán con guía ", 8)
	for _, tc := range []struct{ name, in, mime, want string }{
		{"Fits", "recibo.pdf", "application/pdf", "recibo.pdf"},
		{"FitsAnyCase", "IMG_0001.JPG", "image/jpeg", "IMG_0001.JPG"},
		{"FitsAlias", "scan.jpeg", "image/jpeg", "scan.jpeg"},
		{"JPEGNamedHEIC", "photo.HEIC", "image/jpeg", "photo.jpg"},
		{"PNGNamedJPG", "captura.jpg", "image/png", "captura.png"},
		{"HEICNamedHEIF", "IMG_0002.heif", "image/heic", "IMG_0002.heif"},
		{"HEIFNamedHEIC", "IMG_0003.HEIC", "image/heif", "IMG_0003.HEIC"},
		{"NoExtension", "scan", "application/pdf", "scan.pdf"},
		{"DotsInName", "Factura 2026.03", "application/pdf", "Factura 2026.03.pdf"},
		{"DotSpaceName", "Sr. Pérez", "application/pdf", "Sr. Pérez.pdf"},
		{"UnknownEndingKept", "contrato.v2", "application/pdf", "contrato.v2.pdf"},
		{"RightOneBeforeWrongOne", "invoice.pdf.exe", "application/pdf", "invoice.pdf"},
		{"TextKeepsItsEnding", "server.log", "text/plain", "server.log"},
		{"TextKeepsCSV", "pagos.csv", "text/plain", "pagos.csv"},
		{"TextNamedPDF", "notas.pdf", "text/plain", "notas.txt"},
		{"TextWithoutExtension", "README", "text/plain", "README.txt"},
		{"Cleaned", "../../etc/recibo\u202Efdp.png", "image/png", "recibofdp.png"},
		{"Empty", "", "image/png", "file.png"},
		{"LongKeepsExtension", long + ".pdf", "application/pdf", strings.TrimSpace(string([]rune(long)[:db.MaxFileNameLen-4])) + ".pdf"},
		{"LongGetsExtension", long + long, "image/webp", strings.TrimSpace(string([]rune(long + long)[:db.MaxFileNameLen-5])) + ".webp"},
		{"OtherTypeUsesDetector", "datos", "application/zip", "datos.zip"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := NameFor(tc.in, tc.mime)
			if got != tc.want {
				t.Fatalf("NameFor(%q, %s) = %q, want %q", tc.in, tc.mime, got, tc.want)
			}
			if n := utf8.RuneCountInString(got); n > db.MaxFileNameLen {
				t.Fatalf("%d characters", n)
			}
		})
	}
}

func TestUnnamedFile(t *testing.T) {
	for _, tc := range []struct {
		n          int
		mime, want string
	}{
		{1, "image/jpeg", "image-1.jpg"},
		{2, "application/pdf", "attachment-2.pdf"},
		{3, "image/heic", "image-3.heic"},
		{4, "text/plain", "attachment-4.txt"},
		{5, "application/vnd.microsoft.portable-executable", "attachment-5.exe"},
		{6, "application/octet-stream", "attachment-6.bin"},
	} {
		if got := UnnamedFile(tc.n, tc.mime); got != tc.want {
			t.Errorf("UnnamedFile(%d, %s) = %q, want %q", tc.n, tc.mime, got, tc.want)
		}
	}
}

// TestReceiveNames: every upload, web or email, is stored under a name
// whose extension is its detected type's; HEIC photos are accepted.
func TestReceiveNames(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	heic := "\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic\x00\x00\x00\x08meta" + strings.Repeat("\x17", 100)
	heif := "\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic\x00\x00\x00\x08meta" + strings.Repeat("\x17", 100)
	jpeg := "\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + strings.Repeat("\x42", 100)
	for _, tc := range []struct{ name, in, data, wantName, wantType string }{
		{"HEIC", "IMG_4031.HEIC", heic, "IMG_4031.HEIC", "image/heic"},
		{"HEIF", "IMG_4032.HEIC", heif, "IMG_4032.HEIC", "image/heif"},
		{"JPEGNamedHEIC", "IMG_4033.HEIC", jpeg, "IMG_4033.jpg", "image/jpeg"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, err := s.Receive(strings.NewReader(tc.data), tc.in, 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			defer u.Discard()
			if u.FileName != tc.wantName || u.MimeType != tc.wantType {
				t.Fatalf("stored as %q %s, want %q %s", u.FileName, u.MimeType, tc.wantName, tc.wantType)
			}
		})
	}
}
