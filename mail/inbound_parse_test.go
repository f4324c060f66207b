package mail

import (
	"context"
	"encoding/base64"
	"fmt"
	"image/color"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/filestore"
)

// The emails below are written for these tests, one per client layout or
// case, in the shapes those clients send.

// parseCase is what a test sets up around one email.
type parseCase struct {
	room    int   // files the ticket can still take; 0 means 20
	maxFile int64 // 0 means 1 MiB
	stored  []db.Attachment
	files   *filestore.Store
}

// parseRaw reads raw (written with \n) as the listener does, storing
// files in a real store; the uploads are discarded when the test ends.
func parseRaw(t *testing.T, raw string, c parseCase) (reply, error) {
	t.Helper()
	if c.files == nil {
		fs, err := filestore.Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		c.files = fs
	}
	if c.room == 0 {
		c.room = 20
	}
	if c.maxFile == 0 {
		c.maxFile = 1 << 20
	}
	p := &parser{files: c.files, src: &stickyReader{r: strings.NewReader(crlf(raw))}, maxFileBytes: c.maxFile,
		room: c.room, log: quietLog, stored: c.stored}
	rep, err := p.parse()
	t.Cleanup(func() {
		for _, u := range rep.uploads {
			u.Discard()
		}
	})
	return rep, err
}

// TestParseText: the right part, in the right charset, gives what the
// person wrote.
func TestParseText(t *testing.T) {
	const link = "https://help.kinconecta.test/track/hdt_9fQm2LxVb7TzK1pR"
	for _, tc := range []struct{ name, raw, want string }{
		{"EmptyPlainFullHTML", `From: Ana <ana.martinez@example.com>
Subject: Re: [Ticket #12] Tour
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="alt"

--alt
Content-Type: text/plain; charset="utf-8"


--alt
Content-Type: text/html; charset="utf-8"

<html><body><p>Sí, el viernes a las 9 está perfecto.</p></body></html>
--alt--
`, "Sí, el viernes a las 9 está perfecto."},
		{"HTMLCharsetOnlyInMetaHTTPEquiv", `From: Ana <ana.martinez@example.com>
Subject: Re: Tour
MIME-Version: 1.0
Content-Type: text/html
Content-Transfer-Encoding: quoted-printable

<html><head><meta http-equiv=3D"Content-Type" content=3D"text/html; charset=3Diso-8859-1"></head>
<body><p>Ma=F1ana no puedo; =BFel s=E1bado?</p></body></html>
`, "Mañana no puedo; ¿el sábado?"},
		{"HTMLMetaCharsetAfterOutlookStyles", `From: Ana <ana.martinez@example.com>
Subject: RE: Tour
MIME-Version: 1.0
Content-Type: text/html
Content-Transfer-Encoding: quoted-printable

<html xmlns:v=3D"urn:schemas-microsoft-com:vml" xmlns:o=3D"urn:schemas-microsoft-com:office:office"><head>
<style>` + strings.Repeat("p.MsoNormal, li.MsoNormal {margin:0cm; font-size:11.0pt; font-family:\"Calibri\",sans-serif;}\n", 30) + `</style>
<meta charset=3D"windows-1252"></head>
<body><p class=3DMsoNormal>Gracias, as=ED qued=F3 =96 nos vemos.</p></body></html>
`, "Gracias, así quedó – nos vemos."},
		{"HTMLHeaderCharsetWins", `From: Ana <ana.martinez@example.com>
Subject: Re: Tour
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<html><head><meta charset="iso-8859-1"></head><body><p>Año nuevo, ¿qué tal?</p></body></html>
`, "Año nuevo, ¿qué tal?"},
		{"PlainWithoutCharset8bit", `From: Ana <ana.martinez@example.com>
Subject: Re: Tour
Content-Transfer-Encoding: 8bit

Llegar` + "\xe9" + ` a las 10, se` + "\xf1" + `or.
`, "Llegaré a las 10, señor."},
		{"PlainISO88591", `From: Ana <ana.martinez@example.com>
Subject: Re: Tour
MIME-Version: 1.0
Content-Type: text/plain; charset=ISO-8859-1
Content-Transfer-Encoding: quoted-printable

Perfecto, ma=F1ana.
`, "Perfecto, mañana."},
		{"PlainKOI8R", `From: Ivan <ivan@example.com>
Subject: Re: Tour
MIME-Version: 1.0
Content-Type: text/plain; charset=koi8-r
Content-Transfer-Encoding: base64

` + b64n([]byte("\xf3\xd0\xc1\xd3\xc9\xc2\xcf!\n")), "Спасибо!"},
		{"FlowedQuotedLineNotJoined", `From: Ana <ana.martinez@example.com>
Subject: Re: Tour
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8; format=flowed

> Can you send the receipt? 
Yes, it is attached to this 
email.
`, "Yes, it is attached to this email."},
		{"FlowedDelSp", `From: Ana <ana.martinez@example.com>
Subject: Re: Tour
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8; format=flowed; delsp=yes

Reservation number KC-2026- 
00417 confirmed.
`, "Reservation number KC-2026-00417 confirmed."},
		{"OutlookSpanishHeaderBlock", `From: Ana <ana.martinez@example.com>
Subject: RE: [Ticket #12] Tour
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Listo, ya pagué.

De: Kinconecta Soporte <soporte@kinconecta.test>
Enviado el: martes, 10 de marzo de 2026 11:02
Para: Ana Martínez <ana.martinez@example.com>
Asunto: [Ticket #12] Tour

Hola Ana, ¿ya pudiste pagar?
Ver la conversación: ` + link + `
`, "Listo, ya pagué."},
		{"InlineAnswersUnderOurNotification", `From: Ana <ana.martinez@example.com>
Subject: Re: [Ticket #12] Tour
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

On Tue, Mar 10, 2026 at 11:02 AM Kinconecta Soporte <soporte@kinconecta.test> wrote:
> How many people are coming?
Two adults.
> Which hotel?
Casa Azul.
> See the conversation: ` + link + `
`, "Two adults.\n\nCasa Azul."},
		{"AppleMailTextAroundInlinePicture", `From: Ana <ana.martinez@example.com>
Subject: Re: Tour
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="apple"

--apple
Content-Type: text/plain; charset=us-ascii

This is the bus stop:
--apple
Content-Type: image/png; name="stop.png"
Content-Disposition: inline; filename="stop.png"
Content-Transfer-Encoding: base64

` + b64n(testPNG(t)) + `--apple
Content-Type: text/plain; charset=us-ascii

and this is where we waited.
--apple--
`, "This is the bus stop:\nand this is where we waited."},
		{"NoContentType", `From: ana.martinez@example.com
Subject: Re

Plain and simple.
`, "Plain and simple."},
		{"BrokenContentType", `From: ana.martinez@example.com
Subject: Re
Content-Type: text/plain charset=utf-8

Missing semicolon, still text.
`, "Missing semicolon, still text."},
		{"DeclaredUTF8WithABadByte", `From: ana.martinez@example.com
Subject: Re
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Año ` + "\xff" + ` niño.
`, "Año \uFFFD niño."},
		{"USASCIIDeclaredButLatin1", `From: ana.martinez@example.com
Subject: Re
Content-Type: text/plain; charset=us-ascii
Content-Transfer-Encoding: 8bit

Ma` + "\xf1" + `ana.
`, "Mañana."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := parseRaw(t, tc.raw, parseCase{})
			if err != nil {
				t.Fatal(err)
			}
			if rep.text != tc.want {
				t.Fatalf("text = %q, want %q", rep.text, tc.want)
			}
			if len(rep.leftOut) != 0 {
				t.Fatalf("leftOut = %+v, want none", rep.leftOut)
			}
		})
	}
}

// TestParseFileNames: names are decoded from any charset, made up from
// the type when missing, shortened with their extension, and their
// extension matches the bytes.
func TestParseFileNames(t *testing.T) {
	long := strings.Repeat("Factura de la reserva del tour a Teotihuacán ", 7) + ".pdf"
	for _, tc := range []struct {
		name  string
		parts []string
		want  []string // stored names, in order
	}{
		{"RFC2231Latin1", []string{"Content-Type: application/pdf\nContent-Disposition: attachment; filename*=iso-8859-1''Factura%20a%F1o.pdf\n\n" + pdfBytes},
			[]string{"Factura año.pdf"}},
		{"RFC2231Windows1251", []string{"Content-Type: application/pdf\nContent-Disposition: attachment;\n filename*=windows-1251''%D1%F7%E5%F2.pdf\n\n" + pdfBytes},
			[]string{"Счет.pdf"}},
		{"RFC2231ContinuedUTF8", []string{"Content-Type: application/pdf\nContent-Disposition: attachment;\n filename*0*=utf-8''Recibo%20de%20pago%20;\n filename*1*=Mar%C3%ADa.pdf\n\n" + pdfBytes},
			[]string{"Recibo de pago María.pdf"}},
		{"RFC2047OutlookName", []string{"Content-Type: application/pdf; name=\"=?iso-8859-1?Q?Recibo_a=F1o_2026.pdf?=\"\nContent-Disposition: attachment; filename=\"=?iso-8859-1?Q?Recibo_a=F1o_2026.pdf?=\"\n\n" + pdfBytes},
			[]string{"Recibo año 2026.pdf"}},
		{"RFC2047Base64Name", []string{"Content-Type: application/pdf; name=\"=?UTF-8?B?" + base64.StdEncoding.EncodeToString([]byte("Comprobante — José.pdf")) + "?=\"\n\n" + pdfBytes},
			[]string{"Comprobante — José.pdf"}},
		{"UnquotedNameWithSpaces", []string{"Content-Type: application/pdf\nContent-Disposition: attachment; filename=Factura marzo.pdf\n\n" + pdfBytes},
			[]string{"Factura marzo.pdf"}},
		{"UnnamedInOrderMet", []string{
			"Content-Type: image/png\nContent-Disposition: inline\nContent-Transfer-Encoding: base64\n\n" + b64n(testPNG(t)),
			"Content-Type: application/pdf\nContent-Transfer-Encoding: base64\n\n" + b64n([]byte(pdfBytes)),
			"Content-Type: image/jpeg\nContent-Transfer-Encoding: base64\n\n" + b64n(jpegBytes)},
			[]string{"image-1.png", "attachment-2.pdf", "image-3.jpg"}},
		{"LongNameKeepsExtension", []string{"Content-Type: application/pdf\nContent-Disposition: attachment; filename=\"" + long + "\"\n\n" + pdfBytes},
			[]string{strings.TrimSpace(string([]rune(long)[:db.MaxFileNameLen-4])) + ".pdf"}},
		{"JPEGNamedHEIC", []string{"Content-Type: image/heic; name=\"IMG_4031.HEIC\"\nContent-Disposition: attachment; filename=\"IMG_4031.HEIC\"\nContent-Transfer-Encoding: base64\n\n" + b64n(jpegBytes)},
			[]string{"IMG_4031.jpg"}},
		{"HEICPhotoKept", []string{"Content-Type: image/heic; name=\"IMG_4032.HEIC\"\nContent-Disposition: attachment; filename=\"IMG_4032.HEIC\"\nContent-Transfer-Encoding: base64\n\n" + b64n(heicBytes)},
			[]string{"IMG_4032.HEIC"}},
		{"PDFWithoutExtension", []string{"Content-Type: application/octet-stream\nContent-Disposition: attachment; filename=\"Factura 2026.03\"\nContent-Transfer-Encoding: base64\n\n" + b64n([]byte(pdfBytes))},
			[]string{"Factura 2026.03.pdf"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := parseRaw(t, fileEmail(tc.parts...), parseCase{})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.leftOut) != 0 {
				t.Fatalf("leftOut = %+v", rep.leftOut)
			}
			var got []string
			for _, u := range rep.uploads {
				got = append(got, u.FileName)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("stored names = %q, want %q", got, tc.want)
			}
			if n := len([]rune(got[0])); n > db.MaxFileNameLen {
				t.Fatalf("a name of %d characters", n)
			}
		})
	}
}

// TestParseLeftOut: every file or part not kept is named, as sent, with
// its reason; what is kept is kept.
func TestParseLeftOut(t *testing.T) {
	exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00"), make([]byte, 200)...)
	for _, tc := range []struct {
		name  string
		c     parseCase
		parts []string
		want  []leftOut
		kept  int
	}{
		{"RefusedType", parseCase{}, []string{
			"Content-Type: application/octet-stream\nContent-Disposition: attachment; filename=\"herramienta.exe\"\nContent-Transfer-Encoding: base64\n\n" + b64n(exe)},
			[]leftOut{{"herramienta.exe", leftOutType}}, 0},
		{"UnnamedRefusedType", parseCase{}, []string{
			"Content-Type: application/x-msdownload\nContent-Transfer-Encoding: base64\n\n" + b64n(exe)},
			[]leftOut{{"attachment-1.exe", leftOutType}}, 0},
		{"OverSize", parseCase{maxFile: 1 << 10}, []string{
			"Content-Type: text/plain; name=\"registro.txt\"\nContent-Disposition: attachment; filename=\"registro.txt\"\n\n" + strings.Repeat("una línea del registro\n", 100)},
			[]leftOut{{"registro.txt", leftOutSize}}, 0},
		{"OverQuota", parseCase{room: 1}, []string{
			"Content-Type: application/pdf; name=\"uno.pdf\"\n\n" + pdfBytes,
			"Content-Type: application/pdf; name=\"dos.pdf\"\n\n" + pdfBytes},
			[]leftOut{{"dos.pdf", leftOutQuota}}, 1},
		{"BadBase64", parseCase{}, []string{
			"Content-Type: application/pdf; name=\"roto.pdf\"\nContent-Transfer-Encoding: base64\n\n" + b64n([]byte(pdfBytes)) + "!!!!****\n"},
			[]leftOut{{"roto.pdf", leftOutUnreadable}}, 0},
		{"UnknownEncoding", parseCase{}, []string{
			"Content-Type: application/pdf; name=\"viejo.pdf\"\nContent-Transfer-Encoding: x-uuencode\n\nbegin 644 viejo.pdf\n"},
			[]leftOut{{"viejo.pdf", leftOutUnreadable}}, 0},
		{"EmptyFile", parseCase{}, []string{
			"Content-Type: application/pdf; name=\"vacio.pdf\"\nContent-Disposition: attachment; filename=\"vacio.pdf\"\n\n"},
			[]leftOut{{"vacio.pdf", leftOutUnreadable}}, 0},
		{"NameWithControlsCleaned", parseCase{}, []string{
			"Content-Type: application/octet-stream; name=\"factura\u202Efdp.exe\"\nContent-Transfer-Encoding: base64\n\n" + b64n(exe)},
			[]leftOut{{"facturafdp.exe", leftOutType}}, 0},
		{"WinmailNotTNEF", parseCase{}, []string{
			"Content-Type: application/ms-tnef; name=\"winmail.dat\"\nContent-Transfer-Encoding: base64\n\n" + b64n([]byte("this is not what Outlook writes"))},
			[]leftOut{{"winmail.dat", leftOutUnreadable}}, 0},
		{"MultipartWithoutBoundary", parseCase{}, []string{
			"Content-Type: multipart/related\n\nnothing to split\n"},
			[]leftOut{{"multipart/related", leftOutUnreadable}}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := parseRaw(t, fileEmail(tc.parts...), tc.c)
			if err != nil {
				t.Fatal(err)
			}
			if rep.text != "Adjunto los archivos." {
				t.Fatalf("text = %q", rep.text)
			}
			if fmt.Sprint(rep.leftOut) != fmt.Sprint(tc.want) || len(rep.uploads) != tc.kept {
				t.Fatalf("leftOut = %+v, %d kept; want %+v, %d kept", rep.leftOut, len(rep.uploads), tc.want, tc.kept)
			}
		})
	}
}

// TestParseHeaderFacts: Message-ID without brackets, the sender with a
// decoded name, the decoded subject.
func TestParseHeaderFacts(t *testing.T) {
	for _, tc := range []struct {
		name, header                    string
		id, fromName, fromAddr, subject string
	}{
		{"Plain", "From: Ana Martínez <ana.martinez@example.com>\nSubject: Re: [Ticket #12] Tour\nMessage-ID: <CAF=abc123@mail.gmail.com>\n",
			"CAF=abc123@mail.gmail.com", "Ana Martínez", "ana.martinez@example.com", "Re: [Ticket #12] Tour"},
		{"Encoded", "From: =?iso-8859-1?Q?Luis_P=E9rez?= <luis.perez@example.com>\nSubject: =?utf-8?B?" + base64.StdEncoding.EncodeToString([]byte("RE: ¿Cuándo salimos?")) + "?=\nMessage-Id:  <AM0PR01MB1234.eurprd01.prod.outlook.com>  \n",
			"AM0PR01MB1234.eurprd01.prod.outlook.com", "Luis Pérez", "luis.perez@example.com", "RE: ¿Cuándo salimos?"},
		{"QuotedCommaName", "From: \"Pérez, Luis\" <luis.perez@example.com>\nSubject: =?windows-1252?Q?Gr=FC=DFe_=96_Tour?=\n",
			"", "Pérez, Luis", "luis.perez@example.com", "Grüße – Tour"},
		{"RawUTF8Name", "From: José Núñez <jose@example.com>\nSubject: Folded\n subject\n",
			"", "José Núñez", "jose@example.com", "Folded subject"},
		{"Malformed", "From: Ana María <ana@example.com> (vía móvil\nSubject: x\n",
			"", "Ana María", "ana@example.com", "x"},
		{"BareAddress", "From: ana@example.com\nSubject: x\n", "", "", "ana@example.com", "x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := parseRaw(t, tc.header+"\nHola.\n", parseCase{})
			if err != nil {
				t.Fatal(err)
			}
			if rep.messageID != tc.id || rep.from.Name != tc.fromName || rep.from.Address != tc.fromAddr || rep.subject != tc.subject {
				t.Fatalf("facts = %q %q <%s> %q, want %q %q <%s> %q", rep.messageID, rep.from.Name, rep.from.Address, rep.subject,
					tc.id, tc.fromName, tc.fromAddr, tc.subject)
			}
		})
	}
}

// TestParseAutomatic: autoresponders, bounces, read receipts and list
// mail are marked automatic, and their files are not stored; a person's
// reply is not.
func TestParseAutomatic(t *testing.T) {
	for _, tc := range []struct {
		name, header string
		want         bool
	}{
		{"Person", "", false},
		{"AutoSubmittedNo", "Auto-Submitted: no\n", false},
		{"AutoReplied", "Auto-Submitted: auto-replied (vacation)\n", true},
		{"AutoGenerated", "Auto-Submitted: auto-generated\n", true},
		{"XAutoreply", "X-Autoreply: yes\n", true},
		{"XAutorespond", "X-Autorespond: Out of office\n", true},
		{"PrecedenceBulk", "Precedence: bulk\n", true},
		{"PrecedenceJunk", "Precedence: junk\n", true},
		{"PrecedenceList", "Precedence: list\n", true},
		{"PrecedenceAutoReply", "Precedence: auto_reply\n", true},
		{"ListID", "List-Id: Tours <tours.lists.example.com>\n", true},
		{"ListUnsubscribe", "List-Unsubscribe: <mailto:leave@lists.example.com>\n", true},
		{"EximBounce", "X-Failed-Recipients: nobody@example.com\n", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := "From: Ana <ana.martinez@example.com>\nSubject: Re: Tour\n" + tc.header + "\nI am out until Monday.\n"
			rep, err := parseRaw(t, raw, parseCase{})
			if err != nil || rep.automatic != tc.want {
				t.Fatalf("automatic = %v (%v), want %v", rep.automatic, err, tc.want)
			}
		})
	}
	t.Run("DeliveryStatusReport", func(t *testing.T) {
		raw := `From: Mail Delivery Subsystem <mailer-daemon@example.com>
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="dsn"

--dsn
Content-Type: text/plain

Your message could not be delivered.
--dsn
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.com
Final-Recipient: rfc822; nobody@example.com
Action: failed
Status: 5.1.1
--dsn
Content-Type: application/pdf; name="adjunto.pdf"

` + pdfBytes + `--dsn--
`
		rep, err := parseRaw(t, raw, parseCase{})
		if err != nil || !rep.automatic || len(rep.uploads) != 0 {
			t.Fatalf("automatic = %v, %d files (%v); want a bounce with nothing stored", rep.automatic, len(rep.uploads), err)
		}
		if rep.subject != "Undelivered Mail Returned to Sender" {
			t.Fatalf("subject = %q: the header's facts are read for automatic mail too", rep.subject)
		}
	})
}

// TestParseHeaderBudget: a header of thousands of tiny lines (each held
// at ~90 bytes by go-message) is refused before it is held.
func TestParseHeaderBudget(t *testing.T) {
	t.Run("MessageHeader", func(t *testing.T) {
		raw := "From: Ana <ana.martinez@example.com>\n" + strings.Repeat("X-A: b\n", 20000) + "\nHola.\n"
		if _, err := parseRaw(t, raw, parseCase{}); err == nil {
			t.Fatal("a 20,000-line header was read")
		}
	})
	t.Run("PartHeader", func(t *testing.T) {
		var m0, m1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m0)
		raw := fileEmail("Content-Type: application/pdf; name=\"a.pdf\"\n" + strings.Repeat("X-A: b\n", 200000) + "\n" + pdfBytes)
		rep, err := parseRaw(t, raw, parseCase{})
		runtime.ReadMemStats(&m1)
		if err != nil {
			t.Fatal(err)
		}
		if rep.text != "Adjunto los archivos." || len(rep.uploads) != 0 || len(rep.leftOut) != 1 || rep.leftOut[0].reason != leftOutUnreadable {
			t.Fatalf("text %q, %d files, leftOut %+v; want the text kept and the rest named unreadable", rep.text, len(rep.uploads), rep.leftOut)
		}
		// The email itself is 1.4 MB; held as fields it would take ~120 MB.
		if grown := m1.TotalAlloc - m0.TotalAlloc; grown > 16<<20 {
			t.Fatalf("reading the email allocated %d MB", grown>>20)
		}
	})
}

// TestParseSignatureImages: Outlook attaches its sender's logo and icons,
// shown in place, to every email. Repeated in one email or already on the
// ticket, they are not stored, not counted and not named as left out; a
// real file beside them is kept.
func TestParseSignatureImages(t *testing.T) {
	logo, fb, in, x := pngOf(t, color.RGBA{R: 200}, 40), pngOf(t, color.RGBA{B: 200}, 12), pngOf(t, color.RGBA{G: 200}, 12), pngOf(t, color.RGBA{R: 20, B: 20}, 12)
	big := pngOf(t, color.RGBA{R: 90, G: 90}, 160) // over 20 KiB: a picture, not a signature
	if len(big) <= signatureImageMax || len(logo) > signatureImageMax {
		t.Fatalf("test images: big %d, logo %d bytes", len(big), len(logo))
	}
	inline := func(name, cid string, data []byte) string {
		return "Content-Type: image/png; name=\"" + name + "\"\nContent-Description: " + name + "\nContent-Disposition: inline; filename=\"" + name +
			"\"\nContent-ID: <" + cid + ">\nContent-Transfer-Encoding: base64\n\n" + b64n(data)
	}
	t.Run("RepeatedInOneEmail", func(t *testing.T) {
		// Outlook re-attaches the images of each quoted reply.
		rep, err := parseRaw(t, fileEmail(
			inline("image001.png", "image001.png@01DA0001.AAAA0001", logo),
			inline("image002.png", "image002.png@01DA0001.AAAA0001", fb),
			inline("image003.png", "image003.png@01DA0001.AAAA0001", logo),
			inline("image004.png", "image004.png@01DA0001.AAAA0001", fb),
			inline("image005.png", "image005.png@01DA0001.AAAA0001", big),
			inline("image006.png", "image006.png@01DA0001.AAAA0001", big)), parseCase{})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, u := range rep.uploads {
			names = append(names, u.FileName)
		}
		if fmt.Sprint(names) != "[image001.png image002.png image005.png image006.png]" || len(rep.leftOut) != 0 {
			t.Fatalf("stored %q, leftOut %+v; want each small image once and both big ones", names, rep.leftOut)
		}
	})
	t.Run("AttachedNotInline", func(t *testing.T) {
		// The same bytes sent as an attachment are the person's file.
		att := "Content-Type: image/png; name=\"logo.png\"\nContent-Disposition: attachment; filename=\"logo.png\"\nContent-Transfer-Encoding: base64\n\n" + b64n(logo)
		rep, err := parseRaw(t, fileEmail(att, att), parseCase{})
		if err != nil || len(rep.uploads) != 2 {
			t.Fatalf("%d stored (%v), want both", len(rep.uploads), err)
		}
	})
	t.Run("SixOutlookRepliesThenAnInvoice", func(t *testing.T) {
		// Five replies, each with four signature images (20 files: the
		// quota, had they been stored), then a sixth with an invoice.
		d := newDesk(t)
		ctx := context.Background()
		tk := d.ticket(t, "Ana Martínez", "ana.martinez@example.com", "Factura", "es")
		const maxFiles = 20
		for i := 1; i <= 6; i++ {
			atts, err := d.db.Attachments(ctx, tk.ID, false)
			if err != nil {
				t.Fatal(err)
			}
			raw := outlookReply(t, i, [][]byte{logo, fb, in, x}, i == 6)
			rep, err := parseRaw(t, raw, parseCase{files: d.files, room: maxFiles - len(atts), stored: atts, maxFile: 10 << 20})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.leftOut) != 0 {
				t.Fatalf("reply %d: leftOut = %+v, want none: signature images are no content", i, rep.leftOut)
			}
			var files []db.NewAttachment
			for _, u := range rep.uploads {
				if err := u.Keep(); err != nil {
					t.Fatal(err)
				}
				files = append(files, u.Attachment())
			}
			if _, err := d.db.AddMessage(ctx, tk.ID, db.NewMessage{Body: rep.text, Attachments: files},
				db.Actor{Type: "requester", Name: "Ana Martínez"}, maxFiles); err != nil {
				t.Fatalf("reply %d: %v", i, err)
			}
		}
		atts, err := d.db.Attachments(ctx, tk.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, a := range atts {
			names = append(names, a.FileName)
		}
		if fmt.Sprint(names) != "[image001.png image002.png image003.png image004.png Factura 2026-0417.pdf]" {
			t.Fatalf("ticket files = %q; want the four signature images once and the invoice", names)
		}
	})
}

// bigAttachment streams an email whose attachment is n bytes of PDF,
// base64-encoded, without holding it: memory in the test stays flat too.
type bigAttachment struct {
	head, tail []byte
	left       int // bytes of the file still to encode
	line       []byte
	n          int
	raw        [57]byte // 57 bytes: one 76-character line
	enc        [78]byte
}

func newBigAttachment(n int) *bigAttachment {
	head := crlf(`From: Ana <ana.martinez@example.com>
Subject: Re: Tour
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="mixed"

--mixed
Content-Type: text/plain; charset=utf-8

The scanned contract, all of it.
--mixed
Content-Type: application/pdf; name="contrato.pdf"
Content-Disposition: attachment; filename="contrato.pdf"
Content-Transfer-Encoding: base64

`)
	return &bigAttachment{head: []byte(head), tail: []byte("\r\n--mixed--\r\n"), left: n, n: 0}
}

func (b *bigAttachment) Read(p []byte) (int, error) {
	total := 0
	for len(p) > 0 {
		switch {
		case len(b.head) > 0:
			c := copy(p, b.head)
			b.head, p, total = b.head[c:], p[c:], total+c
		case len(b.line) > 0:
			c := copy(p, b.line)
			b.line, p, total = b.line[c:], p[c:], total+c
		case b.left > 0:
			raw := b.raw[:min(len(b.raw), b.left)]
			for i := range raw {
				raw[i] = byte(b.n*31 + i)
			}
			if b.n == 0 {
				copy(raw, "%PDF-1.7\n")
			}
			b.n++
			b.left -= len(raw)
			n := base64.StdEncoding.EncodedLen(len(raw))
			base64.StdEncoding.Encode(b.enc[:n], raw)
			b.enc[n], b.enc[n+1] = '\r', '\n'
			b.line = b.enc[:n+2]
		case len(b.tail) > 0:
			c := copy(p, b.tail)
			b.tail, p, total = b.tail[c:], p[c:], total+c
		default:
			if total == 0 {
				return 0, io.EOF
			}
			return total, nil
		}
	}
	return total, nil
}

// TestParseMemoryFlat: a 20 MB attachment goes to disk as it arrives;
// reading the email allocates a small fraction of it.
func TestParseMemoryFlat(t *testing.T) {
	const size = 20 << 20
	fs, err := filestore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p := &parser{files: fs, src: &stickyReader{r: newBigAttachment(size)}, maxFileBytes: 32 << 20, room: 20, log: quietLog}
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	rep, err := p.parse()
	runtime.ReadMemStats(&m1)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		for _, u := range rep.uploads {
			u.Discard()
		}
	}()
	if len(rep.uploads) != 1 || rep.uploads[0].Size != size || rep.text != "The scanned contract, all of it." {
		t.Fatalf("uploads %+v, text %q", rep.uploads, rep.text)
	}
	grown := m1.TotalAlloc - m0.TotalAlloc
	t.Logf("a %d MB attachment: %d KB allocated while reading the email", size>>20, grown>>10)
	if grown > size/8 {
		t.Fatalf("reading a %d MB attachment allocated %d MB", size>>20, grown>>20)
	}
}

// BenchmarkParseAttachment reports what reading an email with a 20 MB
// attachment allocates (B/op stays far below the attachment's size).
func BenchmarkParseAttachment(b *testing.B) {
	fs, err := filestore.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		p := &parser{files: fs, src: &stickyReader{r: newBigAttachment(20 << 20)}, maxFileBytes: 32 << 20, room: 20, log: quietLog}
		rep, err := p.parse()
		if err != nil || len(rep.uploads) != 1 {
			b.Fatal(err)
		}
		rep.uploads[0].Discard()
	}
}

// FuzzParse: whatever arrives, the parser ends, never panics, names a
// reason for everything it leaves out, and stores only accepted types.
func FuzzParse(f *testing.F) {
	f.Add(fileEmail("Content-Type: application/pdf; name=\"a.pdf\"\n\n" + pdfBytes))
	f.Add(fileEmail("Content-Type: multipart/alternative; boundary=\"x\"\n\n--x\nContent-Type: text/html\n\n<p>hi</p>\n--x--\n"))
	f.Add(fileEmail("Content-Type: application/ms-tnef; name=\"winmail.dat\"\nContent-Transfer-Encoding: base64\n\neJ8+IgEA\n"))
	f.Add("From: a@b.c\nContent-Type: text/plain; format=flowed; delsp=yes\n\n> q \na \nb\n")
	fs, err := filestore.Open(f.TempDir())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		p := &parser{files: fs, src: &stickyReader{r: strings.NewReader(raw)}, maxFileBytes: 1 << 16, room: 3, log: quietLog}
		rep, _ := p.parse()
		defer func() {
			for _, u := range rep.uploads {
				u.Discard()
			}
		}()
		if len(rep.uploads) > 3 {
			t.Fatalf("%d files stored with room for 3", len(rep.uploads))
		}
		for _, u := range rep.uploads {
			if !db.IsAllowedType(u.MimeType) {
				t.Fatalf("stored a %s", u.MimeType)
			}
		}
		for _, l := range rep.leftOut {
			switch l.reason {
			case leftOutType, leftOutSize, leftOutQuota, leftOutUnreadable:
			default:
				t.Fatalf("left out %q for %q", l.name, l.reason)
			}
		}
	})
}

// TestParseWithoutClosingBoundary: some mailers end the message without
// the closing boundary; every part still arrives whole.
func TestParseWithoutClosingBoundary(t *testing.T) {
	raw := `From: Ana <ana.martinez@example.com>
Subject: Re: Tour
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: multipart/alternative; boundary="inner"

--inner
Content-Type: text/plain; charset=utf-8

Va el recibo.
--outer
Content-Type: application/pdf; name="recibo.pdf"
Content-Disposition: attachment; filename="recibo.pdf"
Content-Transfer-Encoding: base64

` + b64n([]byte(pdfBytes))
	rep, err := parseRaw(t, raw, parseCase{})
	if err != nil || rep.text != "Va el recibo." || len(rep.uploads) != 1 || len(rep.leftOut) != 0 {
		t.Fatalf("text %q, %d files, leftOut %+v, %v", rep.text, len(rep.uploads), rep.leftOut, err)
	}
	if got, want := rep.uploads[0].Size, int64(len(pdfBytes)); got != want {
		t.Fatalf("the PDF has %d bytes, want %d", got, want)
	}
}
