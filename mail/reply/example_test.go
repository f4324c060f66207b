package reply_test

import (
	"fmt"
	"strings"

	"github.com/kinconecta/helpdesk/mail/reply"
)

func ExampleText() {
	body := "Yes, Friday works.\n\n" +
		"Sent from my iPhone\n\n" +
		"El mar, 10 mar 2026 a las 11:02, Kinconecta Soporte <soporte@kinconecta.test> escribió:\n" +
		"> Hola, Ana: ¿el viernes les va bien?\n"
	fmt.Println(reply.Text(body))
	// Output: Yes, Friday works.
}

func ExampleDecodeFlowed() {
	// A quoted line ending in a space is not joined to the answer below it.
	body := "> Can we move the tour to \n> Friday? \nYes.\n"
	fmt.Println(reply.Text(reply.DecodeFlowed(body, false)))
	// Output: Yes.
}

func ExampleHTML() {
	body := `<div>See you there.</div><div class="gmail_quote"><div class="gmail_attr">On Tue, Mar 10, 2026, Luis wrote:</div>` +
		`<blockquote class="gmail_quote">Meet at 9:00 at the cathedral.</blockquote></div>`
	text, err := reply.HTML(strings.NewReader(body))
	fmt.Println(text, err)
	// Output: See you there. <nil>
}
