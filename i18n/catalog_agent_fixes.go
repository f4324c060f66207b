package i18n

// Fixes from the desk's QA pass (issue 11): macros that would close,
// mistyped queue filters, bulk refusals, password lengths.
func init() {
	addStrings(map[string][2]string{
		"macros.err.closes":     {"A macro cannot close a ticket: closing is final and takes its own confirmation. Use Resolved.", "Una macro no puede cerrar un ticket: cerrar es definitivo y necesita su propia confirmación. Usa Resuelto."},
		"macros.err.closesSend": {"Nothing was sent: this macro closes the ticket, and closing takes its own confirmation. An admin must change the macro; use Close… to close.", "No se envió nada: esta macro cierra el ticket, y cerrar necesita su propia confirmación. Un administrador debe cambiar la macro; usa Cerrar… para cerrar."},
	})
}

// A queue address with a filter that cannot be read: the queue shows
// without it, and says so.
func init() {
	addStrings(map[string][2]string{
		"queue.err.filters":            {"Some filters were ignored", "Se ignoraron algunos filtros"},
		"queue.err.filter":             {"The filter %s=“%s” is not valid and was ignored.", "El filtro %s=«%s» no es válido y se ignoró."},
		"queue.err.filter.tag":         {"Tag filter “%s” ignored: each tag is 1 to 40 letters, digits, '-', '_' or '.', at most 20 tags.", "Filtro de etiquetas «%s» ignorado: cada etiqueta tiene de 1 a 40 letras, números, '-', '_' o '.', como máximo 20 etiquetas."},
		"queue.err.filter.status":      {"Status filter “%s” ignored: the statuses are created (Received), open, in_progress, resolved and closed.", "Filtro de estado «%s» ignorado: los estados son created (Recibido), open, in_progress, resolved y closed."},
		"queue.err.filter.sort":        {"Sort “%s” ignored: showing newest first.", "Orden «%s» ignorado: se muestran primero los más recientes."},
		"queue.err.filter.category":    {"Category filter “%s” ignored: there is no such category.", "Filtro de categoría «%s» ignorado: no existe esa categoría."},
		"queue.err.filter.priority":    {"Priority filter “%s” ignored: use low, normal, high or urgent.", "Filtro de prioridad «%s» ignorado: usa low, normal, high o urgent."},
		"queue.err.filter.assignee":    {"Assignee filter “%s” ignored: use me or unassigned.", "Filtro de asignación «%s» ignorado: usa me o unassigned."},
		"queue.err.filter.awaiting":    {"Awaiting filter “%s” ignored: use agent or requester.", "Filtro de espera «%s» ignorado: usa agent o requester."},
		"queue.err.filter.roleContext": {"Role filter “%s” ignored: use tourist, guide or guest.", "Filtro de perfil «%s» ignorado: usa tourist, guide o guest."},
		"queue.err.filter.limit":       {"Page size “%s” ignored: use a whole number from 1 to 200.", "Tamaño de página «%s» ignorado: usa un número entero de 1 a 200."},
		"queue.err.filter.q":           {"Search “%s” ignored: it is too long.", "Búsqueda «%s» ignorada: es demasiado larga."},
		"queue.err.filter.cursor":      {"That page of results is out of date: showing the first page.", "Esa página de resultados ya no es válida: se muestra la primera."},
	})
}

// Bulk refusals that name the field's problem.
func init() {
	addStrings(map[string][2]string{
		"queue.bulk.why.tags":     {"#%s: would hold more than %s tags; remove some first", "n.º %s: tendría más de %s etiquetas; quita alguna primero"},
		"queue.bulk.why.assignee": {"#%s: the agent chosen is not active", "n.º %s: el agente elegido no está activo"},
		"queue.bulk.why.tagRule":  {"#%s: each tag is 1 to 40 letters, digits, '-', '_' or '.'", "n.º %s: cada etiqueta tiene de 1 a 40 letras, números, '-', '_' o '.'"},
	})
}

// The composer's warning before a macro's tags overflow the ticket.
func init() {
	addStrings(map[string][2]string{
		"macros.warn.tags": {"With this macro's tags the ticket would hold %s tags, more than %s: sending with this macro will be refused. Remove some tags first.", "Con las etiquetas de esta macro el ticket tendría %s etiquetas, más de %s: el envío con esta macro se rechazará. Quita alguna etiqueta primero."},
	})
}

// The password rule, wherever a password is set: characters for the
// minimum, bytes (bcrypt's) for the maximum.
func init() {
	addStrings(map[string][2]string{
		"password.err.short": {"The password must have at least %s characters.", "La contraseña debe tener al menos %s caracteres."},
		"password.err.long":  {"The password is too long: at most %s bytes, which is about %s accented letters (each counts twice) or 72 plain ones.", "La contraseña es demasiado larga: como máximo %s bytes, unas %s letras acentuadas (cada una cuenta doble) o 72 sin acento."},
	})
}

// A new API key's notice: the field's label below names the key, once.
func init() {
	addStrings(map[string][2]string{
		"settings.created.keyUnnamed": {"API key created.", "Clave de API creada."},
	})
}
