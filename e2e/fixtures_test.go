package e2e

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kinconecta/helpdesk/db"
)

// testPNG is a small real picture (a gradient, so a broken thumbnail is
// easy to tell from a working one in the screenshots).
func testPNG(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 160, 100))
	for y := range 100 {
		for x := range 160 {
			img.Set(x, y, color.RGBA{R: uint8(x), G: uint8(100 + y), B: 180, A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// testPDF is the smallest file the server's sniffing takes for a PDF.
const testPDF = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

// writeFile writes a file the browser will upload, under the test's
// temporary folder, and returns its path.
func writeFile(t testing.TB, name string, content []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// storedFile is a file received by the file store as an upload would be,
// ready to attach to a ticket or message.
func (a *app) storedFile(t testing.TB, name string, content []byte) db.NewAttachment {
	t.Helper()
	u, err := a.Files.Receive(bytes.NewReader(content), name, 10<<20)
	if err != nil {
		t.Fatal(err)
	}
	if err := u.Keep(); err != nil {
		t.Fatal(err)
	}
	return u.Attachment()
}

// newTicket stores a ticket as a requester would send it, with files, and
// returns it and its tracking token.
func (a *app) newTicket(t testing.TB, subject string, files ...db.NewAttachment) (db.Ticket, string) {
	t.Helper()
	tk, token, err := a.DB.CreateTicket(t.Context(), db.NewTicket{
		RoleContext: "tourist",
		FullName:    "Ana Martínez",
		Email:       "ana.martinez@example.com",
		Subject:     subject,
		Category:    "Booking",
		Message:     "I booked the Xochimilco tour for 12 March and was charged twice.\nBooking reference KC-1234.",
		Attachments: files,
	}, db.Actor{Type: "requester", Name: "Ana Martínez"})
	if err != nil {
		t.Fatal(err)
	}
	return tk, token
}

// agent is a support agent's account, as whom the tests answer and
// resolve tickets.
func (a *app) agent(t testing.TB) db.Actor {
	t.Helper()
	u, err := a.DB.CreateUser(t.Context(), db.NewUser{
		Email: "lucia@kinconecta.example", Name: "Lucía", Role: db.RoleAgent, Password: "correct horse battery staple",
	})
	if err != nil {
		t.Fatal(err)
	}
	return db.Actor{Type: "agent", ID: u.ID, Name: u.Name}
}

// agentReply adds a public agent message with files to the ticket.
func (a *app) agentReply(t testing.TB, by db.Actor, ticketID int64, body string, files ...db.NewAttachment) {
	t.Helper()
	if _, err := a.DB.AddMessage(t.Context(), ticketID, db.NewMessage{Body: body, Attachments: files}, by, 20); err != nil {
		t.Fatal(err)
	}
}

// setStatus moves the ticket as the agent would from the desk.
func (a *app) setStatus(t testing.TB, by db.Actor, ticketID int64, status db.Status) {
	t.Helper()
	s := string(status)
	if _, err := a.DB.UpdateTicket(t.Context(), ticketID, db.TicketPatch{Status: &s}, by); err != nil {
		t.Fatal(err)
	}
}

// ticketByToken reads the ticket a tracking address names, with its files.
func (a *app) ticketByToken(t testing.TB, token string) db.Ticket {
	t.Helper()
	id, err := a.DB.TicketIDByToken(t.Context(), token)
	if err != nil {
		t.Fatalf("token %q: %v", token, err)
	}
	tk, err := a.DB.Ticket(t.Context(), id, false)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// tokenFromPath is the token of a /track/{token} path.
func tokenFromPath(t testing.TB, path string) string {
	t.Helper()
	token, ok := strings.CutPrefix(path, "/track/")
	if !ok || !strings.HasPrefix(token, db.TicketTokenPrefix) {
		t.Fatalf("path %q is not a tracking page", path)
	}
	token, _, _ = strings.Cut(token, "?")
	token, _, _ = strings.Cut(token, "#")
	return token
}
