package components

import (
	"github.com/a-h/templ"

	"github.com/kinconecta/helpdesk/internal/richtext"
)

// RichTextClass styles text rendered by internal/richtext (an agent's
// formatted reply): its lists, links and code, wherever it is shown.
const RichTextClass = "break-words text-slate-900 [&_a]:font-medium [&_a]:text-teal-800 [&_a]:underline [&_code]:rounded [&_code]:bg-sand-100 [&_code]:px-1 [&_li]:ml-5 [&_ol]:list-decimal [&_p+p]:mt-3 [&_p+ol]:mt-2 [&_p+pre]:mt-2 [&_p+ul]:mt-2 [&_pre]:overflow-x-auto [&_pre]:rounded-lg [&_pre]:bg-sand-100 [&_pre]:p-3 [&_ul]:list-disc [&_ul+p]:mt-3 [&_ol+p]:mt-3 [&_pre+p]:mt-3"

// RichText is src, an agent's formatted text, rendered by the one
// renderer the desk, the tracking page and the email share: safe by
// construction (no raw HTML, only http, https and mailto links).
func RichText(src string) templ.Component {
	return templ.Raw(string(richtext.HTML(src)))
}
