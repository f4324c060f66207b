package db

import (
	"strings"
	"testing"

	"github.com/kinconecta/helpdesk/db/sqlite"
)

// File names lose every character that reorders, hides or breaks what
// people read: bidi controls (an RLO makes "invoice\u202Efdp.exe" read
// "invoiceexe.pdf"), other format characters, controls and line breaks.
func TestCleanFileNameStripsControls(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"RLO", "invoice\u202Efdp.exe", "invoicefdp.exe"},
		{"LRO", "a\u202Db.pdf", "ab.pdf"},
		{"Embeddings", "\u202Aa\u202Bb\u202C.png", "ab.png"},
		{"Marks", "\u200Ereport\u200F.pdf", "report.pdf"},
		{"ArabicLetterMark", "\u061Cفاتورة.pdf", "فاتورة.pdf"},
		{"Isolates", "\u2066a\u2067b\u2068c\u2069.txt", "abc.txt"},
		{"ZeroWidthSpaceAndBOM", "\uFEFFre\u200Bcibo.pdf", "recibo.pdf"},
		{"WordJoinerAndSoftHyphen", "re\u2060ci\u00ADbo.pdf", "recibo.pdf"},
		{"Tags", "a\U000E0041\U000E007F.png", "a.png"},
		{"C0AndDEL", "a\x00b\x1bc\x7f.txt", "abc.txt"},
		{"C1", "a\u0085b\u009bc.txt", "abc.txt"},
		{"LineAndParagraphSeparators", "a\u2028b\u2029c.txt", "abc.txt"},
		{"Quote", `a"b.txt`, "ab.txt"},
		{"OnlyControls", "\u202E\u200F", "file"},
		{"ControlsAroundPath", "..\u202E/..\u202E/etc\u202E/passwd", "passwd"},
		{"KeepsJoinersPersian", "نامه\u200Cها.pdf", "نامه\u200Cها.pdf"},
		{"KeepsJoinersEmoji", "👩\u200D💻.png", "👩\u200D💻.png"},
		{"KeepsAccents", "Recibo de pago — María.pdf", "Recibo de pago — María.pdf"},
		{"KeepsRightToLeftText", "קבלה.pdf", "קבלה.pdf"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := CleanFileName(tc.in); got != tc.want {
				t.Fatalf("CleanFileName(%+q) = %+q, want %+q", tc.in, got, tc.want)
			}
		})
	}
}

// Names stored before the cleaning lose their bidi controls when the
// migration runs.
func TestFileNameMigrationStripsBidiControls(t *testing.T) {
	sqliteOnly(t)
	d := mustOpen(t)
	tk, _, err := d.CreateTicket(t.Context(), NewTicket{RoleContext: "guest", FullName: "Ana", Email: "ana@example.com",
		Subject: "s", Category: "General Inquiry", Message: "m"}, Actor{Type: "requester"})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{
		"invoice\u202Efdp.exe":         "invoicefdp.exe",
		"\u2067\u202E\u200F":           "file",
		"plain name.pdf":               "plain name.pdf",
		"\u061Cفاتورة\u200E\uFEFF.pdf": "فاتورة.pdf",
	}
	sql, err := sqlite.Migrations.ReadFile("migrations/006_file_name_controls.sql")
	if err != nil {
		t.Fatal(err)
	}
	err = d.write(t.Context(), func(tx *Tx) error {
		for stored := range names {
			if _, err := tx.Exec(`INSERT INTO attachments (ticket_id, file_name, mime_type, file_size, external_url, uploaded_at)
				VALUES (?, ?, 'application/pdf', 1, 'https://files.example.com/a.pdf', ?)`, tk.ID, stored, Time{d.now()}); err != nil {
				return err
			}
		}
		_, err := tx.Exec(string(sql))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	atts, err := d.Attachments(t.Context(), tk.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range atts {
		got = append(got, a.FileName)
	}
	for stored, want := range names {
		found := false
		for _, g := range got {
			found = found || g == want
		}
		if !found {
			t.Errorf("%+q: stored names %+q, want one %+q", stored, got, want)
		}
	}
	for _, g := range got {
		if strings.ContainsAny(g, "\u202E\u200F\u2067\u061C\u200E\uFEFF") {
			t.Errorf("%+q still holds a bidi control", g)
		}
	}
}
