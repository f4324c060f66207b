package mail

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"image/color"
	"io"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/kinconecta/helpdesk/db"
)

// Real SMTP conversations over loopback, a real database and real files:
// what phones and Outlook send arrives as the person sent it.

// tnefStream builds a winmail.dat as Outlook writes it (see package
// mail/tnef for the layout): per file attAttachRendData, attAttachTitle
// (the 8.3 name), attAttachData, and attAttachment with the long name.
func tnefStream(files ...[3]string) []byte { // {short name, long name, bytes}
	var b bytes.Buffer
	u32 := func(v uint32) { binary.Write(&b, binary.LittleEndian, v) }
	attr := func(level byte, id uint32, data []byte) {
		b.WriteByte(level)
		u32(id)
		u32(uint32(len(data)))
		b.Write(data)
		var sum uint16
		for _, c := range data {
			sum += uint16(c)
		}
		binary.Write(&b, binary.LittleEndian, sum)
	}
	b.Write([]byte{0x78, 0x9f, 0x3e, 0x22, 0x01, 0x00})
	attr(1, 0x00089006, []byte{0, 0, 1, 0})                // attTnefVersion
	attr(1, 0x00069007, []byte{0xe4, 4, 0, 0, 0, 0, 0, 0}) // attOemCodepage 1252
	attr(1, 0x00078008, []byte("IPM.Microsoft Mail.Note\x00"))
	for _, f := range files {
		attr(2, 0x00069002, make([]byte, 14)) // attAttachRendData
		attr(2, 0x00018010, append([]byte(f[0]), 0))
		attr(2, 0x0006800F, []byte(f[2]))
		var name []byte
		for _, c := range utf16.Encode([]rune(f[1])) {
			name = binary.LittleEndian.AppendUint16(name, c)
		}
		name = append(name, 0, 0)
		props := binary.LittleEndian.AppendUint32(nil, 1)           // one property:
		props = binary.LittleEndian.AppendUint32(props, 0x3707001F) // PidTagAttachLongFilename, Unicode
		props = binary.LittleEndian.AppendUint32(props, 1)
		props = binary.LittleEndian.AppendUint32(props, uint32(len(name)))
		props = append(props, name...)
		props = append(props, make([]byte, (4-len(name)%4)%4)...)
		attr(2, 0x00069005, props) // attAttachment
	}
	return b.Bytes()
}

// TestInboundFilesFromPhonesAndOutlook: an iPhone's HEIC photo, Outlook's
// winmail.dat, a name in ISO-8859-1 (RFC 2231), a picture pasted without
// a name and a JPEG still named .HEIC all arrive, under names that say
// what they are.
func TestInboundFilesFromPhonesAndOutlook(t *testing.T) {
	for _, tc := range []struct {
		name, raw string
		want      []string // "name type"
	}{
		{"iPhoneHEIC", `From: Ana <ana.martinez@example.com>
Subject: Re: [Ticket #1] Question about tour cancellation
MIME-Version: 1.0 (1.0)
Content-Type: multipart/mixed; boundary="Apple-Mail-5F1C"

--Apple-Mail-5F1C
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Foto del boleto.

Enviado desde mi iPhone
--Apple-Mail-5F1C
Content-Type: image/heic; name="IMG_4031.HEIC"; x-apple-part-url="AF1F9C0B"
Content-Disposition: inline; filename="IMG_4031.HEIC"
Content-Transfer-Encoding: base64

` + b64n(heicBytes) + `--Apple-Mail-5F1C--
`, []string{"IMG_4031.HEIC image/heic"}},
		{"JPEGStillNamedHEIC", `From: Ana <ana.martinez@example.com>
Subject: Re: Tour
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: text/plain; charset=utf-8

Foto.
--b
Content-Type: image/heic; name="IMG_4033.HEIC"
Content-Disposition: attachment; filename="IMG_4033.HEIC"
Content-Transfer-Encoding: base64

` + b64n(jpegBytes) + `--b--
`, []string{"IMG_4033.jpg image/jpeg"}},
		{"OutlookWinmail", `From: Ana <ana.martinez@example.com>
Subject: RE: Tour
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="_002_AM0PR01"

--_002_AM0PR01
Content-Type: text/plain; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable

Le env=EDo la factura y el plano.
--_002_AM0PR01
Content-Type: application/ms-tnef; name="winmail.dat"
Content-Disposition: attachment; filename="winmail.dat"
Content-Transfer-Encoding: base64

` + b64n(tnefStream([3]string{"FACTUR~1.PDF", "Factura marzo 2026.pdf", pdfBytes}, [3]string{"PLANO~1.PNG", "Plano del hotel.png", string(testPNG(t))})) + `--_002_AM0PR01--
`, []string{"Factura marzo 2026.pdf application/pdf", "Plano del hotel.png image/png"}},
		{"Latin1NameRFC2231", `From: Ana <ana.martinez@example.com>
Subject: Re: Tour
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: text/plain; charset=utf-8

La factura.
--b
Content-Type: application/pdf
Content-Disposition: attachment; filename*=iso-8859-1''Factura%20a%F1o.pdf
Content-Transfer-Encoding: base64

` + b64n([]byte(pdfBytes)) + `--b--
`, []string{"Factura año.pdf application/pdf"}},
		{"PastedPictureWithoutName", `From: Ana <ana.martinez@example.com>
Subject: Re: Tour
MIME-Version: 1.0
Content-Type: multipart/related; boundary="rel"

--rel
Content-Type: text/html; charset=utf-8

<p>Este es el error:</p><p><img src="cid:ii_m1x2y3"></p>
--rel
Content-Type: image/png
Content-ID: <ii_m1x2y3>
Content-Transfer-Encoding: base64

` + b64n(pngOf(t, color.RGBA{R: 10, G: 120, B: 200}, 200)) + `--rel--
`, []string{"image-1.png image/png"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, tk, replyTo := replyDesk(t)
			if err := sendSMTP(t, d, replyTo, func(w io.Writer) { io.WriteString(w, crlf(tc.raw)) }); err != nil {
				t.Fatal(err)
			}
			atts, err := d.db.Attachments(context.Background(), tk.ID, false)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, a := range atts {
				got = append(got, a.FileName+" "+a.MimeType)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("files = %q, want %q", got, tc.want)
			}
			msgs, err := d.db.Messages(context.Background(), tk.ID, true)
			if err != nil || len(msgs) != 1 || msgs[0].Author.Type != "requester" {
				t.Fatalf("thread = %+v, %v; want the reply alone, nothing left out", msgs, err)
			}
		})
	}
}

// TestInboundTextParts: an empty text/plain beside the full HTML, and an
// HTML part whose charset is only in its <meta>, keep the person's words.
func TestInboundTextParts(t *testing.T) {
	for _, tc := range []struct{ name, raw, want string }{
		{"EmptyPlainFullHTML", `From: Ana <ana.martinez@example.com>
Subject: Re: Tour
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="alt"

--alt
Content-Type: text/plain; charset=utf-8

--alt
Content-Type: text/html; charset=utf-8

<div dir="ltr">Sí, el viernes está bien.</div>
--alt--
`, "Sí, el viernes está bien."},
		{"HTMLMetaCharset", `From: Ana <ana.martinez@example.com>
Subject: Re: Tour
MIME-Version: 1.0
Content-Type: text/html
Content-Transfer-Encoding: quoted-printable

<html><head><meta http-equiv=3D"Content-Type" content=3D"text/html; charset=3Diso-8859-1"></head><body>Ma=F1ana a las 8, =BFs=ED?</body></html>
`, "Mañana a las 8, ¿sí?"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, tk, replyTo := replyDesk(t)
			if err := sendSMTP(t, d, replyTo, func(w io.Writer) { io.WriteString(w, crlf(tc.raw)) }); err != nil {
				t.Fatal(err)
			}
			msgs, err := d.db.Messages(context.Background(), tk.ID, true)
			if err != nil || len(msgs) != 1 || msgs[0].Body != tc.want {
				t.Fatalf("thread = %+v, %v; want %q", msgs, err, tc.want)
			}
		})
	}
}

// TestInboundUnreadableWinmail: a winmail.dat that is not one is named on
// the ticket, not dropped in silence.
func TestInboundUnreadableWinmail(t *testing.T) {
	d, tk, replyTo := replyDesk(t)
	raw := `From: Ana <ana.martinez@example.com>
Subject: RE: Tour
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: text/plain; charset=utf-8

Le envío la factura.
--b
Content-Type: application/ms-tnef; name="winmail.dat"
Content-Disposition: attachment; filename="winmail.dat"
Content-Transfer-Encoding: base64

` + b64n(tnefStream([3]string{"FACTUR~1.PDF", "Factura.pdf", pdfBytes})[:60]) + `--b--
`
	if err := sendSMTP(t, d, replyTo, func(w io.Writer) { io.WriteString(w, crlf(raw)) }); err != nil {
		t.Fatal(err)
	}
	msgs, err := d.db.Messages(context.Background(), tk.ID, true)
	if err != nil || len(msgs) != 2 || msgs[0].Body != "Le envío la factura." || msgs[1].Author.Type != "system" ||
		!strings.Contains(msgs[1].Body, "winmail.dat") {
		t.Fatalf("thread = %+v, %v; want the reply and a note naming winmail.dat", msgs, err)
	}
}

// TestInboundSignatureImagesOverSixReplies: Outlook's four signature
// images, sent with each of six replies (stored each time, they fill the
// 20-file quota after five), are stored once and never named as left
// out, and the invoice in the sixth reply is kept.
func TestInboundSignatureImagesOverSixReplies(t *testing.T) {
	d, tk, replyTo := replyDesk(t)
	logo, fb, in, x := pngOf(t, color.RGBA{R: 200}, 40), pngOf(t, color.RGBA{B: 200}, 12), pngOf(t, color.RGBA{G: 200}, 12), pngOf(t, color.RGBA{R: 20, B: 20}, 12)
	for i := 1; i <= 6; i++ {
		raw := outlookReply(t, i, [][]byte{logo, fb, in, x}, i == 6)
		if err := sendSMTP(t, d, replyTo, func(w io.Writer) { io.WriteString(w, crlf(raw)) }); err != nil {
			t.Fatalf("reply %d: %v", i, err)
		}
	}
	ctx := context.Background()
	atts, err := d.db.Attachments(ctx, tk.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range atts {
		names = append(names, a.FileName)
	}
	if fmt.Sprint(names) != "[image001.png image002.png image003.png image004.png Factura 2026-0417.pdf]" {
		t.Fatalf("ticket files = %q; want the signature images once and the invoice", names)
	}
	msgs, err := d.db.Messages(ctx, tk.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if m.Author.Type != db.AuthorRequester {
			t.Fatalf("a %s message %q: signature images are not content to report", m.Author.Type, m.Body)
		}
	}
	if len(msgs) != 6 || !strings.HasPrefix(msgs[5].Body, "Respuesta número 6.") {
		t.Fatalf("%d messages, last %q; want the six replies", len(msgs), msgs[len(msgs)-1].Body)
	}
}
