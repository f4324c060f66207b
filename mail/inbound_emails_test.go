package mail

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"strings"
	"testing"
)

// Emails and files the parser and listener tests share, written for them
// in the shapes phones, webmail and Outlook send.

// b64n is b64 with \n line ends, for emails written with \n.
func b64n(data []byte) string { return strings.ReplaceAll(b64(data), "\r\n", "\n") }

// pngOf is a PNG of size×size noisy pixels around a color: different
// bytes per color, and about 3 bytes a pixel (noise does not compress).
func pngOf(t *testing.T, c color.RGBA, size int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	rnd := rand.New(rand.NewPCG(uint64(c.R)<<16|uint64(c.G)<<8|uint64(c.B), uint64(size)))
	for x := range size {
		for y := range size {
			img.Set(x, y, color.RGBA{R: c.R ^ uint8(rnd.IntN(64)), G: c.G ^ uint8(rnd.IntN(64)), B: c.B ^ uint8(rnd.IntN(64)), A: 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// jpegBytes starts like a JPEG (what the type detector reads).
var jpegBytes = append([]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"), bytes.Repeat([]byte{0x42}, 300)...)

// heicBytes starts like an iPhone photo: an ISO BMFF "ftyp" box of brand heic.
var heicBytes = append([]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic\x00\x00\x00\x08meta"), bytes.Repeat([]byte{0x17}, 300)...)

const pdfBytes = "%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

// fileEmail wraps parts (each with its header, blank line and body) in a
// multipart/mixed reply.
func fileEmail(parts ...string) string {
	var b strings.Builder
	b.WriteString("From: Ana <ana.martinez@example.com>\nSubject: Re: Tour\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"mixed\"\n\n--mixed\nContent-Type: text/plain; charset=utf-8\n\nAdjunto los archivos.\n")
	for _, p := range parts {
		b.WriteString("--mixed\n" + p)
		if !strings.HasSuffix(p, "\n") {
			b.WriteString("\n")
		}
	}
	b.WriteString("--mixed--\n")
	return b.String()
}

// outlookReply is reply n of Ana's in Outlook for Windows: HTML with her
// signature images (a logo and social icons, shown in place by
// Content-ID, with new ids each time as Outlook makes them), plus an
// invoice when withInvoice.
func outlookReply(t *testing.T, n int, signature [][]byte, withInvoice bool) string {
	t.Helper()
	id := fmt.Sprintf("01DC%04X.5C0E2F%02X", n, n)
	var imgs, parts strings.Builder
	for i, data := range signature {
		name := fmt.Sprintf("image%03d.png", i+1)
		fmt.Fprintf(&imgs, "<img src=3D\"cid:%s@%s\">", name, id)
		parts.WriteString("--related\nContent-Type: image/png; name=\"" + name + "\"\nContent-Description: " + name +
			"\nContent-Disposition: inline; filename=\"" + name + "\"; size=" + fmt.Sprint(len(data)) +
			"\nContent-ID: <" + name + "@" + id + ">\nContent-Transfer-Encoding: base64\n\n" + b64n(data))
	}
	body := "--related\nContent-Type: multipart/alternative; boundary=\"alt\"\n\n" +
		"--alt\nContent-Type: text/plain; charset=\"iso-8859-1\"\nContent-Transfer-Encoding: quoted-printable\n\n" +
		fmt.Sprintf("Respuesta n=FAmero %d.\n\nAna Mart=EDnez\n[cid:image001.png@%s]\n\n", n, id) +
		"--alt\nContent-Type: text/html; charset=\"iso-8859-1\"\nContent-Transfer-Encoding: quoted-printable\n\n" +
		fmt.Sprintf("<html><body><p class=3DMsoNormal>Respuesta n=FAmero %d.</p><p>Ana Mart=EDnez<br>", n) +
		imgs.String() + "</p></body></html>\n--alt--\n\n" + parts.String() + "--related--\n"
	head := "From: Ana =?iso-8859-1?Q?Mart=EDnez?= <ana.martinez@example.com>\nSubject: RE: [Ticket #1] Factura\n" +
		fmt.Sprintf("Message-ID: <AM0PR01MB%04d@eurprd01.prod.outlook.com>\n", n) + "MIME-Version: 1.0\n"
	if !withInvoice {
		return head + "Content-Type: multipart/related; boundary=\"related\"; type=\"multipart/alternative\"\n\n" + body
	}
	return head + "Content-Type: multipart/mixed; boundary=\"mixed\"\n\n--mixed\n" +
		"Content-Type: multipart/related; boundary=\"related\"; type=\"multipart/alternative\"\n\n" + body +
		"\n--mixed\nContent-Type: application/pdf; name=\"Factura 2026-0417.pdf\"\nContent-Disposition: attachment; filename=\"Factura 2026-0417.pdf\"\nContent-Transfer-Encoding: base64\n\n" +
		b64n([]byte(pdfBytes)) + "--mixed--\n"
}
