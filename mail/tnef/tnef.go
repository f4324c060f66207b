// Package tnef reads the files out of a TNEF stream: the winmail.dat (or
// application/ms-tnef part) that Outlook and Exchange send in place of the
// attachments when a message was written in "Rich Text" format.
//
// It reads only what carries files, as the public specification
// [MS-OXTNEF] lays it out; the rest is skipped by its length. All integers
// are little-endian.
//
//	stream    = signature (uint32 0x223E9F78) key (uint16) attribute*
//	attribute = level (uint8: 1 message, 2 attachment)
//	            id (uint32: type in the high word, identifier in the low)
//	            length (uint32) data (length bytes)
//	            checksum (uint16: the sum of the data bytes, modulo 65536)
//
// The attributes used (by their low word, whatever type the high word
// claims):
//
//	0x9007 attOemCodepage    message: uint32 code page of the 8-bit strings
//	0x9002 attAttachRendData attachment: starts the next file
//	0x8010 attAttachTitle    attachment: its name, 8-bit, NUL-terminated,
//	                         often cut to 8.3 ("FACTUR~1.PDF")
//	0x800F attAttachData     attachment: the file's bytes
//	0x9005 attAttachment     attachment: its MAPI properties, written after
//	                         the others: the long file name and, from some
//	                         writers, the bytes instead of attAttachData
//
// attAttachment is a counted list of properties:
//
//	count (uint32), then count times:
//	  tag (uint32: type in the low word, identifier in the high)
//	  for a named property (identifier >= 0x8000): GUID (16 bytes),
//	    kind (uint32), then an uint32 id (kind 0) or an uint32 length and
//	    that many bytes of UTF-16 name, padded to 4 (kind 1)
//	  variable-size and multi-valued types: value count (uint32), then
//	    per value: size (uint32), the bytes, padding to 4
//	  fixed-size types: the value, padded to 4
//
// Of these, PidTagAttachLongFilename (0x3707), PidTagAttachFilename
// (0x3704) and PidTagAttachDataBinary (0x3701, binary; as an object, 0x000D,
// it is an attached message, which has no file to give) are used.
//
// Memory stays flat: a file's bytes are handed over as a stream, and
// everything else held is bounded by Limits.
package tnef

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// signature opens every TNEF stream: 0x223E9F78, little-endian.
var signature = []byte{0x78, 0x9f, 0x3e, 0x22}

// IsTNEF reports whether head, the first bytes of a file, starts a TNEF
// stream.
func IsTNEF(head []byte) bool {
	return len(head) >= len(signature) && string(head[:len(signature)]) == string(signature)
}

// Attribute identifiers (low word) and levels.
const (
	levelMessage    = 1
	levelAttachment = 2

	idAttachData     = 0x800F
	idAttachTitle    = 0x8010
	idAttachRendData = 0x9002
	idAttachment     = 0x9005
	idOemCodepage    = 0x9007
)

// MAPI property identifiers and types.
const (
	propAttachDataBinary   = 0x3701
	propAttachFilename     = 0x3704
	propAttachLongFilename = 0x3707

	typeShort    = 0x0002
	typeLong     = 0x0003
	typeFloat    = 0x0004
	typeDouble   = 0x0005
	typeCurrency = 0x0006
	typeAppTime  = 0x0007
	typeError    = 0x000A
	typeBoolean  = 0x000B
	typeObject   = 0x000D
	typeI8       = 0x0014
	typeString8  = 0x001E
	typeUnicode  = 0x001F
	typeSysTime  = 0x0040
	typeCLSID    = 0x0048
	typeBinary   = 0x0102
	multiValued  = 0x1000
)

// Limits bound what a stream can make the reader do.
type Limits struct {
	MaxFiles      int   // files in one stream; past it Walk stops with ErrLimit
	MaxAttributes int   // attributes in one stream, however small
	MaxProperties int   // properties (and values) in one attAttachment
	MaxMeta       int64 // bytes of a name held in memory; a longer name is ignored
}

// DefaultLimits fit any winmail.dat a person sends.
var DefaultLimits = Limits{MaxFiles: 100, MaxAttributes: 100_000, MaxProperties: 10_000, MaxMeta: 64 << 10}

// Errors Walk returns; a file's content reader returns ErrChecksum at its
// end when the bytes do not add up to the attribute's checksum.
var (
	ErrNotTNEF   = errors.New("tnef: not a TNEF stream")
	ErrTruncated = errors.New("tnef: stream cut short")
	ErrLimit     = errors.New("tnef: stream over the reader's limits")
	ErrChecksum  = errors.New("tnef: file damaged (checksum mismatch)")
)

// File is one file the stream carries.
type File struct {
	Title    string // attAttachTitle: the name, often shortened to 8.3
	LongName string // the MAPI long file name, when the stream has one
	Embedded bool   // an attached message: no bytes of its own to give
	HasData  bool   // its bytes were handed to the data function
}

// Name is the best name known for f: its long name, else its title.
func (f *File) Name() string {
	if f.LongName != "" {
		return f.LongName
	}
	return f.Title
}

// Walk reads a TNEF stream from r. For each file it calls data with the
// file's bytes, which data reads (or not) before returning, and, once
// everything about the file is known (its long name comes after its
// bytes), done. An error from data or done stops the walk and is returned
// as is; a file without bytes reaches done with HasData false.
func Walk(r io.Reader, lim Limits, data func(f *File, content io.Reader) error, done func(f *File) error) error {
	w := &walker{r: bufio.NewReader(r), lim: lim, data: data, done: done, codepage: charmap.Windows1252}
	return w.walk()
}

type walker struct {
	r          *bufio.Reader
	lim        Limits
	data       func(*File, io.Reader) error
	done       func(*File) error
	codepage   encoding.Encoding
	file       *File
	files      int
	attributes int
}

// callerError marks an error of the data or done function, which ends
// the walk whatever state the stream is in.
type callerError struct{ err error }

func (e callerError) Error() string { return e.err.Error() }

func (w *walker) walk() error {
	var head [6]byte
	if _, err := io.ReadFull(w.r, head[:]); err != nil || !IsTNEF(head[:]) {
		return ErrNotTNEF
	}
	for {
		err := w.attribute()
		if err == io.EOF {
			return w.finish()
		}
		var ce callerError
		if errors.As(err, &ce) {
			return ce.err
		}
		if err != nil {
			if ferr := w.finish(); ferr != nil {
				return ferr
			}
			return err
		}
	}
}

// finish hands the file in progress to done.
func (w *walker) finish() error {
	f := w.file
	w.file = nil
	if f == nil {
		return nil
	}
	return w.done(f)
}

// attribute reads one attribute; io.EOF means the stream ended cleanly
// between attributes.
func (w *walker) attribute() error {
	var h [9]byte
	n, err := io.ReadFull(w.r, h[:])
	switch {
	case n == 0 && err == io.EOF:
		return io.EOF
	case err != nil:
		return ErrTruncated
	}
	if w.attributes++; w.attributes > w.lim.MaxAttributes {
		return ErrLimit
	}
	level := h[0]
	id := binary.LittleEndian.Uint32(h[1:5]) & 0xFFFF
	body := &summer{r: &io.LimitedReader{R: w.r, N: int64(binary.LittleEndian.Uint32(h[5:9]))}}

	switch {
	case level == levelAttachment && id == idAttachRendData:
		if err := w.finish(); err != nil {
			return callerError{err}
		}
		if w.files++; w.files > w.lim.MaxFiles {
			return ErrLimit
		}
		w.file = &File{}
	case level == levelAttachment && id == idAttachTitle:
		if b, ok := w.meta(body); ok {
			w.current().Title = w.string8(b)
		}
	case level == levelAttachment && id == idAttachData:
		if f := w.current(); !f.HasData {
			f.HasData = true
			content := &checked{body: body, w: w}
			if err := w.data(f, content); err != nil {
				return callerError{err}
			}
		}
	case level == levelAttachment && id == idAttachment:
		if err := w.properties(body); err != nil {
			var ce callerError
			if errors.As(err, &ce) {
				return err
			}
			// A damaged property list spoils a name at most: the
			// attribute's length still says where the next one starts.
		}
	case level == levelMessage && id == idOemCodepage:
		if b, ok := w.meta(body); ok && len(b) >= 4 {
			if enc := codepage(binary.LittleEndian.Uint32(b)); enc != nil {
				w.codepage = enc
			}
		}
	}
	if _, err := io.Copy(io.Discard, body); err != nil {
		return ErrTruncated
	}
	if body.r.(*io.LimitedReader).N > 0 {
		return ErrTruncated
	}
	if _, err := w.checksum(); err != nil {
		return err
	}
	return nil
}

// current is the file being read; data before any attAttachRendData
// still belongs to a file.
func (w *walker) current() *File {
	if w.file == nil {
		w.files++
		w.file = &File{}
	}
	return w.file
}

// checksum reads the uint16 that ends an attribute.
func (w *walker) checksum() (uint16, error) {
	var c [2]byte
	if _, err := io.ReadFull(w.r, c[:]); err != nil {
		return 0, ErrTruncated
	}
	return binary.LittleEndian.Uint16(c[:]), nil
}

// meta reads a small attribute whole; past MaxMeta it is left unread.
func (w *walker) meta(body *summer) ([]byte, bool) {
	if body.r.(*io.LimitedReader).N > w.lim.MaxMeta {
		return nil, false
	}
	b, err := io.ReadAll(body)
	return b, err == nil
}

// string8 decodes an 8-bit string in the stream's code page, up to its
// terminating NUL.
func (w *walker) string8(b []byte) string {
	if i := strings.IndexByte(string(b), 0); i >= 0 {
		b = b[:i]
	}
	if isASCII(b) {
		return string(b)
	}
	s, err := w.codepage.NewDecoder().Bytes(b)
	if err != nil {
		s = b
	}
	return strings.ToValidUTF8(string(s), "\uFFFD")
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// unicodeString decodes a NUL-terminated UTF-16LE string.
func unicodeString(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		c := binary.LittleEndian.Uint16(b[i:])
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	return string(utf16.Decode(u))
}

// properties reads attAttachment: the long name, and the bytes when the
// writer put them here rather than in attAttachData.
func (w *walker) properties(body *summer) error {
	f := w.current()
	p := propReader{r: body}
	count := p.u32()
	if p.err != nil || int(count) > w.lim.MaxProperties {
		return ErrLimit
	}
	values := 0
	for range count {
		tag := p.u32()
		typ, id := tag&0xFFFF, tag>>16
		if id >= 0x8000 {
			p.skip(16) // the property set's GUID
			switch p.u32() {
			case 0:
				p.skip(4)
			case 1:
				p.skip(pad4(p.u32()))
			default:
				return errors.New("tnef: bad property name")
			}
		}
		if p.err != nil {
			return p.err
		}
		base := typ &^ multiValued
		n := uint32(1)
		if typ&multiValued != 0 || variable(base) {
			n = p.u32()
		}
		for range n {
			if values++; values > w.lim.MaxProperties || p.err != nil {
				return ErrLimit
			}
			if !variable(base) {
				size := fixedSize(base)
				if size == 0 {
					return fmt.Errorf("tnef: unknown property type %#x", base)
				}
				p.skip(size)
				continue
			}
			size := p.u32()
			if p.err != nil {
				return p.err
			}
			if int64(size) > body.r.(*io.LimitedReader).N {
				return ErrTruncated
			}
			switch {
			case id == propAttachDataBinary && base == typeBinary && !f.HasData && typ&multiValued == 0:
				f.HasData = true
				value := &io.LimitedReader{R: body, N: int64(size)}
				if err := w.data(f, value); err != nil {
					return callerError{err}
				}
				p.skip(uint32(value.N) + pad4(size) - size) // what data left unread, then the padding
				continue
			case id == propAttachDataBinary && base == typeObject:
				f.Embedded = true
			case (id == propAttachLongFilename || id == propAttachFilename) && (base == typeString8 || base == typeUnicode) && int64(size) <= w.lim.MaxMeta:
				b := make([]byte, size)
				p.read(b)
				var name string
				if base == typeUnicode {
					name = unicodeString(b)
				} else {
					name = w.string8(b)
				}
				switch {
				case name == "":
				case id == propAttachLongFilename:
					f.LongName = name
				case f.Title == "":
					f.Title = name
				}
				p.skip(pad4(size) - size)
				continue
			}
			p.skip(pad4(size))
		}
		if p.err != nil {
			return p.err
		}
	}
	return p.err
}

// variable reports whether values of type t carry their own size.
func variable(t uint32) bool {
	return t == typeString8 || t == typeUnicode || t == typeBinary || t == typeObject
}

// fixedSize is the room one value of a fixed-size type takes, padding
// included; 0 for a type this reader does not know.
func fixedSize(t uint32) uint32 {
	switch t {
	case typeShort, typeLong, typeFloat, typeError, typeBoolean:
		return 4
	case typeDouble, typeCurrency, typeAppTime, typeI8, typeSysTime:
		return 8
	case typeCLSID:
		return 16
	}
	return 0
}

func pad4(n uint32) uint32 { return (n + 3) &^ 3 }

// propReader reads a property list, remembering its first error.
type propReader struct {
	r   io.Reader
	err error
}

func (p *propReader) read(b []byte) {
	if p.err != nil {
		return
	}
	if _, err := io.ReadFull(p.r, b); err != nil {
		p.err = ErrTruncated
	}
}

func (p *propReader) u32() uint32 {
	var b [4]byte
	p.read(b[:])
	return binary.LittleEndian.Uint32(b[:])
}

func (p *propReader) skip(n uint32) {
	if p.err != nil || n == 0 {
		return
	}
	if _, err := io.CopyN(io.Discard, p.r, int64(n)); err != nil {
		p.err = ErrTruncated
	}
}

// summer adds up the bytes read through it, for the checksum.
type summer struct {
	r   io.Reader
	sum uint16
}

func (s *summer) Read(b []byte) (int, error) {
	n, err := s.r.Read(b)
	for _, c := range b[:n] {
		s.sum += uint16(c)
	}
	return n, err
}

// checked hands a file's bytes over and, at their end, checks the
// attribute's checksum: a damaged file ends in ErrChecksum, not io.EOF.
type checked struct {
	body *summer
	w    *walker
	err  error
}

func (c *checked) Read(b []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.body.Read(b)
	if err == io.EOF {
		if c.body.r.(*io.LimitedReader).N > 0 {
			c.err = ErrTruncated
		} else if sum, perr := c.peekChecksum(); perr != nil {
			c.err = perr
		} else if sum != c.body.sum {
			c.err = ErrChecksum
		} else {
			c.err = io.EOF
		}
		return n, c.err
	}
	return n, err
}

// peekChecksum looks at the checksum that follows the data without
// consuming it: attribute reads it once the data function returns.
func (c *checked) peekChecksum() (uint16, error) {
	b, err := c.w.r.Peek(2)
	if err != nil {
		return 0, ErrTruncated
	}
	return binary.LittleEndian.Uint16(b), nil
}

// codepage maps a Windows code page number to its encoding; nil for one
// this reader does not know (the default, Windows-1252, stays).
func codepage(n uint32) encoding.Encoding {
	switch n {
	case 65001:
		return encoding.Nop
	case 437:
		return charmap.CodePage437
	case 850:
		return charmap.CodePage850
	case 852:
		return charmap.CodePage852
	case 866:
		return charmap.CodePage866
	case 874:
		return charmap.Windows874
	case 932:
		return japanese.ShiftJIS
	case 936:
		return simplifiedchinese.GBK
	case 949:
		return korean.EUCKR
	case 950:
		return traditionalchinese.Big5
	case 1250:
		return charmap.Windows1250
	case 1251:
		return charmap.Windows1251
	case 1252:
		return charmap.Windows1252
	case 1253:
		return charmap.Windows1253
	case 1254:
		return charmap.Windows1254
	case 1255:
		return charmap.Windows1255
	case 1256:
		return charmap.Windows1256
	case 1257:
		return charmap.Windows1257
	case 1258:
		return charmap.Windows1258
	case 20866:
		return charmap.KOI8R
	case 21866:
		return charmap.KOI8U
	case 28591:
		return charmap.ISO8859_1
	case 28592:
		return charmap.ISO8859_2
	case 28605:
		return charmap.ISO8859_15
	}
	return nil
}
