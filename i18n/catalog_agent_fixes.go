package i18n

// Fixes from the desk's QA pass (issue 11): macros that would close,
// mistyped queue filters, bulk refusals, password lengths.
func init() {
	addStrings(map[string][2]string{
		"macros.err.closes":     {"A macro cannot close a ticket: closing is final and takes its own confirmation. Use Resolved.", "Una macro no puede cerrar un ticket: cerrar es definitivo y necesita su propia confirmación. Usa Resuelto."},
		"macros.err.closesSend": {"Nothing was sent: this macro closes the ticket, and closing takes its own confirmation. An admin must change the macro; use Close… to close.", "No se envió nada: esta macro cierra el ticket, y cerrar necesita su propia confirmación. Un administrador debe cambiar la macro; usa Cerrar… para cerrar."},
	})
}
