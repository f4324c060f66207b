package tnef

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf16"
)

// The streams below are built byte by byte from the layout in the package
// comment, the way Outlook writes them: message attributes first, then per
// file attAttachRendData, attAttachTitle, attAttachData and
// attAttachment.

// Attribute ids with their type words, as writers put them.
const (
	attTnefVersion    = 0x00089006
	attOemCodepage    = 0x00069007
	attMessageClass   = 0x00078008
	attBody           = 0x0002800C
	attMAPIProps      = 0x00069003
	attAttachRendData = 0x00069002
	attAttachTitle    = 0x00018010
	attAttachData     = 0x0006800F
	attAttachment     = 0x00069005
	attAttachModify   = 0x00038013
)

type builder struct{ bytes.Buffer }

func newStream() *builder {
	b := &builder{}
	b.Write([]byte{0x78, 0x9f, 0x3e, 0x22})
	b.u16(0x0C1D) // the legacy key
	b.attr(levelMessage, attTnefVersion, u32(0x00010000))
	return b
}

func (b *builder) u16(v uint16) { binary.Write(&b.Buffer, binary.LittleEndian, v) }

func (b *builder) attr(level byte, id uint32, data []byte) *builder {
	b.WriteByte(level)
	b.Write(u32(id))
	b.Write(u32(uint32(len(data))))
	b.Write(data)
	var sum uint16
	for _, c := range data {
		sum += uint16(c)
	}
	b.u16(sum)
	return b
}

// file writes one attachment's attributes; props may be nil.
func (b *builder) file(title string, data []byte, props []byte) *builder {
	b.attr(levelAttachment, attAttachRendData, make([]byte, 14))
	if title != "" {
		b.attr(levelAttachment, attAttachTitle, append([]byte(title), 0))
	}
	b.attr(levelAttachment, attAttachModify, make([]byte, 14))
	if data != nil {
		b.attr(levelAttachment, attAttachData, data)
	}
	if props != nil {
		b.attr(levelAttachment, attAttachment, props)
	}
	return b
}

func u32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

// props builds a property list from encoded properties.
func props(list ...[]byte) []byte {
	out := u32(uint32(len(list)))
	for _, p := range list {
		out = append(out, p...)
	}
	return out
}

func padded(b []byte) []byte { return append(b, make([]byte, int(pad4(uint32(len(b))))-len(b))...) }

// variableProp is a single-valued string, binary or object property.
func variableProp(id, typ uint32, value []byte) []byte {
	p := u32(id<<16 | typ)
	p = append(p, u32(1)...)
	p = append(p, u32(uint32(len(value)))...)
	return append(p, padded(value)...)
}

func unicodeZ(s string) []byte {
	var out []byte
	for _, c := range utf16.Encode([]rune(s)) {
		out = binary.LittleEndian.AppendUint16(out, c)
	}
	return append(out, 0, 0)
}

func longName(name string) []byte {
	return variableProp(propAttachLongFilename, typeUnicode, unicodeZ(name))
}

// named is a named property (kind 1, a string name) holding a long.
func named(name string) []byte {
	p := u32(0x8005<<16 | typeLong)
	p = append(p, make([]byte, 16)...) // the property set's GUID
	p = append(p, u32(1)...)
	n := unicodeZ(name)
	p = append(p, u32(uint32(len(n)))...)
	p = append(p, padded(n)...)
	return append(p, u32(7)...)
}

func fixedProp(id, typ uint32, size int) []byte {
	return append(u32(id<<16|typ), make([]byte, size)...)
}

// got is what Walk handed over for one file.
type got struct {
	name, title string
	data        string
	readErr     error
	embedded    bool
	hasData     bool
}

func walk(t *testing.T, stream []byte, lim Limits) ([]got, error) {
	t.Helper()
	var files []got
	var cur got
	err := Walk(bytes.NewReader(stream), lim,
		func(f *File, content io.Reader) error {
			b, err := io.ReadAll(content)
			cur.data, cur.readErr = string(b), err
			return nil
		},
		func(f *File) error {
			cur.name, cur.title, cur.embedded, cur.hasData = f.Name(), f.Title, f.Embedded, f.HasData
			files = append(files, cur)
			cur = got{}
			return nil
		})
	return files, err
}

func TestWalk(t *testing.T) {
	pdf := "%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
	png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
	for _, tc := range []struct {
		name   string
		stream []byte
		want   []got
	}{
		{"OutlookTwoFiles", newStream().
			attr(levelMessage, attOemCodepage, append(u32(1252), u32(0)...)).
			attr(levelMessage, attMessageClass, []byte("IPM.Microsoft Mail.Note\x00")).
			attr(levelMessage, attBody, []byte("See attached.\x00")).
			file("FACTUR~1.PDF", []byte(pdf), props(
				fixedProp(0x0E21, typeLong, 4),
				named("urn:schemas-microsoft-com:office:office#Keywords"),
				longName("Factura marzo 2026.pdf"),
				fixedProp(0x3705, typeLong, 4))).
			file("plano.png", []byte(png), props(longName("plano de la casa.png"))).Bytes(),
			[]got{
				{name: "Factura marzo 2026.pdf", title: "FACTUR~1.PDF", data: pdf, hasData: true},
				{name: "plano de la casa.png", title: "plano.png", data: png, hasData: true},
			}},
		{"TitleOnly", newStream().file("recibo.txt", []byte("Total: 120 MXN\n"), nil).Bytes(),
			[]got{{name: "recibo.txt", title: "recibo.txt", data: "Total: 120 MXN\n", hasData: true}}},
		{"CodepageTitle", newStream().
			attr(levelMessage, attOemCodepage, append(u32(1252), u32(0)...)).
			file("Factura a\xf1o.pdf", []byte(pdf), nil).Bytes(),
			[]got{{name: "Factura año.pdf", title: "Factura año.pdf", data: pdf, hasData: true}}},
		{"CyrillicLongName8bit", newStream().
			attr(levelMessage, attOemCodepage, append(u32(1251), u32(0)...)).
			file("SCHET~1.PDF", []byte(pdf), props(variableProp(propAttachLongFilename, typeString8, []byte("\xd1\xf7\xe5\xf2.pdf\x00")))).Bytes(),
			[]got{{name: "Счет.pdf", title: "SCHET~1.PDF", data: pdf, hasData: true}}},
		{"DataInProperties", newStream().file("", nil, props(
			variableProp(propAttachFilename, typeString8, []byte("INVOIC~1.PDF\x00")),
			variableProp(propAttachDataBinary, typeBinary, []byte(pdf+"x")), // odd size: padded
			longName("Invoice 7.pdf"))).Bytes(),
			[]got{{name: "Invoice 7.pdf", title: "INVOIC~1.PDF", data: pdf + "x", hasData: true}}},
		{"DataAttributeWins", newStream().file("a.txt", []byte("from the attribute"), props(
			variableProp(propAttachDataBinary, typeBinary, []byte("from the properties")))).Bytes(),
			[]got{{name: "a.txt", title: "a.txt", data: "from the attribute", hasData: true}}},
		{"EmbeddedMessage", newStream().file("Re: tour", nil, props(
			variableProp(propAttachDataBinary, typeObject, append(make([]byte, 16), []byte("\x78\x9f\x3e\x22nested")...)))).Bytes(),
			[]got{{name: "Re: tour", title: "Re: tour", embedded: true}}},
		{"MessageOnly", newStream().attr(levelMessage, attMAPIProps, props(fixedProp(0x0017, typeLong, 4))).Bytes(), nil},
		{"DamagedPropertiesKeepFile", newStream().file("a.txt", []byte("kept"), []byte{0xff, 0xff, 0xff, 0x7f}).
			file("b.txt", []byte("also kept"), props(fixedProp(0x1234, 0x00FE, 4), longName("never read.txt"))).Bytes(),
			[]got{{name: "a.txt", title: "a.txt", data: "kept", hasData: true}, {name: "b.txt", title: "b.txt", data: "also kept", hasData: true}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files, err := walk(t, tc.stream, DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			if len(files) != len(tc.want) {
				t.Fatalf("files = %+v, want %+v", files, tc.want)
			}
			for i := range files {
				if files[i] != tc.want[i] {
					t.Fatalf("file %d = %+v, want %+v", i, files[i], tc.want[i])
				}
			}
		})
	}
}

func TestWalkDamaged(t *testing.T) {
	good := newStream().file("a.txt", []byte("first file"), nil).file("b.txt", []byte("second file"), nil).Bytes()

	t.Run("ErrNotTNEF", func(t *testing.T) {
		for _, in := range []string{"", "\x78\x9f", "PK\x03\x04 a zip file"} {
			if _, err := walk(t, []byte(in), DefaultLimits); err != ErrNotTNEF {
				t.Fatalf("Walk(%q) = %v, want ErrNotTNEF", in, err)
			}
		}
	})
	t.Run("ErrChecksum", func(t *testing.T) {
		bad := bytes.Clone(good)
		i := bytes.Index(bad, []byte("first file"))
		bad[i] = 'F' // the data changes, its checksum does not
		files, err := walk(t, bad, DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		if len(files) != 2 || !errors.Is(files[0].readErr, ErrChecksum) || files[1].readErr != nil || files[1].data != "second file" {
			t.Fatalf("files = %+v; want the first damaged, the second whole", files)
		}
	})
	t.Run("ErrTruncated", func(t *testing.T) {
		cut := good[:bytes.Index(good, []byte("second file"))+3]
		files, err := walk(t, cut, DefaultLimits)
		if err != ErrTruncated {
			t.Fatalf("err = %v, want ErrTruncated", err)
		}
		if len(files) != 2 || files[0].data != "first file" || !errors.Is(files[1].readErr, ErrTruncated) {
			t.Fatalf("files = %+v; want the first whole and the second cut", files)
		}
	})
	t.Run("ErrLimitFiles", func(t *testing.T) {
		lim := DefaultLimits
		lim.MaxFiles = 1
		files, err := walk(t, good, lim)
		if err != ErrLimit || len(files) != 1 || files[0].data != "first file" {
			t.Fatalf("files = %+v, err %v; want the first file, then ErrLimit", files, err)
		}
	})
	t.Run("ErrLimitAttributes", func(t *testing.T) {
		s := newStream()
		for range 50 {
			s.attr(levelMessage, 0x00018004, []byte("x\x00"))
		}
		lim := DefaultLimits
		lim.MaxAttributes = 20
		if _, err := walk(t, s.Bytes(), lim); err != ErrLimit {
			t.Fatalf("err = %v, want ErrLimit", err)
		}
	})
	t.Run("HugeLengthIsNotAllocated", func(t *testing.T) {
		// An attAttachTitle claiming 4 GB: skipped, not read into memory,
		// and the stream then ends short.
		s := newStream()
		s.attr(levelAttachment, attAttachRendData, make([]byte, 14))
		s.WriteByte(levelAttachment)
		s.Write(u32(attAttachTitle))
		s.Write(u32(0xFFFFFFFF))
		s.WriteString("FACTURA.PDF")
		files, err := walk(t, s.Bytes(), DefaultLimits)
		if err != ErrTruncated || len(files) != 1 || files[0].title != "" {
			t.Fatalf("files = %+v, err %v", files, err)
		}
	})
	t.Run("CallerErrorStops", func(t *testing.T) {
		stop := errors.New("disk full")
		calls := 0
		err := Walk(bytes.NewReader(good), DefaultLimits,
			func(*File, io.Reader) error { calls++; return stop },
			func(*File) error { return nil })
		if err != stop || calls != 1 {
			t.Fatalf("err = %v after %d files, want the caller's error after 1", err, calls)
		}
	})
}

func TestIsTNEF(t *testing.T) {
	if !IsTNEF(newStream().Bytes()) || IsTNEF([]byte("%PDF-1.7")) || IsTNEF(nil) {
		t.Fatal("IsTNEF is wrong")
	}
}

// FuzzWalk: whatever the bytes, Walk ends, never panics, and hands over
// no more file bytes than it was given.
func FuzzWalk(f *testing.F) {
	f.Add(newStream().file("FACTUR~1.PDF", []byte("%PDF-1.7 x"), props(named("k"), longName("Factura.pdf"))).Bytes())
	f.Add(newStream().file("", nil, props(variableProp(propAttachDataBinary, typeBinary, []byte("abc")))).Bytes())
	f.Add(newStream().attr(levelMessage, attOemCodepage, u32(932)).file("\x83e\x83X\x83g.txt", []byte("t"), nil).Bytes())
	f.Add([]byte(strings.Repeat("\x78\x9f\x3e\x22", 3)))
	f.Fuzz(func(t *testing.T, in []byte) {
		total := 0
		lim := Limits{MaxFiles: 10, MaxAttributes: 1000, MaxProperties: 1000, MaxMeta: 4096}
		_ = Walk(bytes.NewReader(in), lim,
			func(f *File, content io.Reader) error {
				n, _ := io.Copy(io.Discard, content)
				total += int(n)
				return nil
			},
			func(f *File) error {
				if len(f.Title) > 3*4096 || len(f.LongName) > 3*4096 {
					t.Fatalf("a name of %d/%d bytes got past MaxMeta", len(f.Title), len(f.LongName))
				}
				return nil
			})
		if total > len(in) {
			t.Fatalf("handed over %d bytes from a %d-byte stream", total, len(in))
		}
	})
}
