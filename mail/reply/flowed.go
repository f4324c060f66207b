package reply

import "strings"

// DecodeFlowed undoes format=flowed (RFC 3676) in a text/plain body: a
// line ending in a space continues on the next one, but only at the same
// quote depth, so a quoted line ending in a space is never joined to the
// reply written below it. Quoted lines come out as ">" per level and a
// space; the stuffing space is removed, except before a ">" at depth 0,
// where it is what tells the person's ">" from a quote, so Text keeps the
// line. With delSp (DelSp=yes) the space that marks a soft break is
// removed when joining, as for languages written without spaces.
func DecodeFlowed(body string, delSp bool) string {
	body = strings.ReplaceAll(body, "\r\n", "\n")
	// The final line break ends the last line; it starts no empty one
	// that a soft break could swallow.
	body, final := strings.CutSuffix(body, "\n")
	lines := strings.Split(body, "\n")
	out := make([]string, 0, len(lines))
	var para strings.Builder
	open, depth := false, 0
	flush := func() {
		if !open {
			return
		}
		text := para.String()
		if depth > 0 {
			prefix := strings.Repeat(">", depth)
			if text != "" {
				prefix += " "
			}
			text = prefix + text
		}
		out = append(out, text)
		para.Reset()
		open = false
	}
	for _, l := range lines {
		d := 0
		for d < len(l) && l[d] == '>' {
			d++
		}
		content := l[d:]
		if strings.HasPrefix(content, " ") && !(d == 0 && strings.HasPrefix(content, " >")) {
			content = content[1:]
		}
		// The signature delimiter "-- " is never a soft break.
		soft := strings.HasSuffix(content, " ") && content != "-- "
		if open && d != depth {
			flush() // a soft break before a change of depth is a hard one
		}
		if soft && delSp {
			content = content[:len(content)-1]
		}
		para.WriteString(content)
		open, depth = true, d
		if !soft {
			flush()
		}
	}
	flush()
	text := strings.Join(out, "\n")
	if final {
		text += "\n"
	}
	return text
}
