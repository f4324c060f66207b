package i18n

// The ticket workspace, /agent/tickets/{id}.
func init() {
	addStrings(map[string][2]string{
		"ticket.title":       {"Ticket #%s: %s", "Ticket n.º %s: %s"},
		"ticket.number":      {"#%s", "n.º %s"},
		"ticket.breadcrumb":  {"Breadcrumb", "Ruta de navegación"},
		"ticket.status":      {"Status", "Estado"},
		"ticket.priorityIs":  {"%s priority", "Prioridad %s"},
		"ticket.assignedTo":  {"Assigned to %s", "Asignado a %s"},
		"ticket.unassigned":  {"Not assigned", "Sin asignar"},
		"ticket.opened":      {"Opened", "Abierto el"},
		"ticket.updated":     {"updated", "actualizado el"},
		"ticket.moves":       {"Change status", "Cambiar estado"},
		"ticket.moveTo":      {"Mark as %s", "Marcar como %s"},
		"ticket.refused":     {"That change was not made", "No se ha hecho ese cambio"},
		"ticket.closedTitle": {"This ticket is closed", "Este ticket está cerrado"},
		"ticket.closedText": {"Closed is final: the ticket takes no more replies, notes or changes. If the requester needs more help, they can send a new request.",
			"Cerrado es definitivo: el ticket no admite más respuestas, notas ni cambios. Si el solicitante necesita más ayuda, puede enviar una nueva solicitud."},
		"ticket.external": {"Opens on another site", "Se abre en otro sitio"},

		// Closing, which is final, takes a second, deliberate step: here
		// and in the queue's bulk change.
		"ticket.close.open": {"Close…", "Cerrar…"},
		"ticket.close.explain": {"Closing is final: the requester can no longer reply, and the ticket takes no more notes or changes. If they need more help, they will have to send a new request.",
			"Cerrar es definitivo: el solicitante ya no podrá responder y el ticket no admitirá más notas ni cambios. Si necesita más ayuda, tendrá que enviar una nueva solicitud."},
		"ticket.close.confirm": {"Close for good", "Cerrar definitivamente"},
		"ticket.err.confirmClose": {"The ticket was not closed: closing is final, so it takes a confirmation. Read what it means below and press “Close for good” if you are sure.",
			"No se ha cerrado el ticket: cerrar es definitivo y necesita una confirmación. Lee lo que implica abajo y pulsa «Cerrar definitivamente» si estás seguro."},
		"queue.bulk.errConfirmClose": {"Closing is final: closed tickets take no more replies or changes. Confirm that you mean to close the selected tickets for good.",
			"Cerrar es definitivo: los tickets cerrados no admiten más respuestas ni cambios. Confirma que quieres cerrar definitivamente los tickets seleccionados."},
		"queue.bulk.confirmClose": {"Yes, close them for good (closed tickets take no more replies)", "Sí, cerrarlos definitivamente (los tickets cerrados no admiten más respuestas)"},

		// The thread.
		"ticket.thread":          {"Conversation", "Conversación"},
		"ticket.entry.request":   {"Original request", "Solicitud original"},
		"ticket.entry.requester": {"Requester", "Solicitante"},
		"ticket.entry.reply":     {"Reply to the requester", "Respuesta al solicitante"},
		"ticket.entry.note":      {"Internal note — not visible to the requester", "Nota interna — el solicitante no la ve"},
		"ticket.entry.system":    {"Helpdesk", "Sistema de ayuda"},
		"ticket.entryFiles":      {"Files", "Archivos"},

		// The reply and note form.
		"ticket.compose.title":      {"Reply or add a note", "Responder o añadir una nota"},
		"ticket.compose.audience":   {"Who will see this?", "¿Quién lo verá?"},
		"ticket.compose.public":     {"Reply to the requester", "Respuesta al solicitante"},
		"ticket.compose.publicHint": {"%s sees it on their ticket page and gets an email.", "%s la verá en la página de su ticket y recibirá un correo."},
		"ticket.compose.internal":   {"Internal note", "Nota interna"},
		"ticket.compose.body":       {"Message", "Mensaje"},

		// The requester card.
		"ticket.requester":          {"Requester", "Solicitante"},
		"ticket.requester.name":     {"Name", "Nombre"},
		"ticket.requester.email":    {"Email", "Correo"},
		"ticket.requester.role":     {"Role", "Perfil"},
		"ticket.requester.language": {"Language", "Idioma"},
		"ticket.lang.en":            {"English", "Inglés"},
		"ticket.lang.es":            {"Spanish", "Español"},
		"ticket.others":             {"Their other tickets", "Sus otros tickets"},
		"ticket.others.none":        {"This is their only ticket.", "Es su único ticket."},
		"ticket.others.more":        {"Showing the %d most recent.", "Se muestran los %d más recientes."},

		// Assignment, priority and category.
		"ticket.details":           {"Assignment and details", "Asignación y detalles"},
		"ticket.details.closed":    {"A closed ticket keeps its assignment, priority and category.", "Un ticket cerrado conserva su asignación, prioridad y categoría."},
		"ticket.details.save":      {"Save details", "Guardar detalles"},
		"ticket.assignee":          {"Assigned to", "Asignado a"},
		"ticket.assignee.none":     {"Nobody (unassigned)", "Nadie (sin asignar)"},
		"ticket.assignee.me":       {"%s (me)", "%s (yo)"},
		"ticket.assignee.inactive": {"%s (account off)", "%s (cuenta desactivada)"},
		"ticket.assignMe":          {"Assign to me", "Asignármelo"},
		"ticket.priority":          {"Priority", "Prioridad"},
		"ticket.category":          {"Category", "Categoría"},
		"ticket.category.retired":  {"%s (retired)", "%s (retirada)"},
		"ticket.unknownAgent":      {"a removed account", "una cuenta eliminada"},

		// Files and history.
		"ticket.files":              {"Files", "Archivos"},
		"ticket.files.none":         {"No files yet.", "Todavía no hay archivos."},
		"ticket.files.internal":     {"Internal", "Interno"},
		"ticket.history":            {"History", "Historial"},
		"ticket.history.created":    {"%[1]s opened the ticket with the status %[2]s", "%[1]s abrió el ticket con el estado %[2]s"},
		"ticket.history.status":     {"%[1]s changed the status from %[2]s to %[3]s", "%[1]s cambió el estado de %[2]s a %[3]s"},
		"ticket.history.priority":   {"%[1]s changed the priority from %[2]s to %[3]s", "%[1]s cambió la prioridad de %[2]s a %[3]s"},
		"ticket.history.category":   {"%[1]s changed the category from %[2]s to %[3]s", "%[1]s cambió la categoría de %[2]s a %[3]s"},
		"ticket.history.assigned":   {"%[1]s assigned the ticket to %[2]s", "%[1]s asignó el ticket a %[2]s"},
		"ticket.history.unassigned": {"%[1]s took the ticket away from %[2]s", "%[1]s quitó el ticket a %[2]s"},
		"ticket.history.reassigned": {"%[1]s reassigned the ticket from %[2]s to %[3]s", "%[1]s reasignó el ticket de %[2]s a %[3]s"},
		"ticket.history.other":      {"%[1]s changed %[2]s from “%[3]s” to “%[4]s”", "%[1]s cambió %[2]s de «%[3]s» a «%[4]s»"},
		"ticket.history.viaKey":     {"%s (API key)", "%s (clave de API)"},
		"ticket.history.system":     {"The helpdesk", "El sistema de ayuda"},

		// Confirmations and refusals.
		"ticket.notice.reply":   {"Your reply was sent to the requester.", "Tu respuesta se ha enviado al solicitante."},
		"ticket.notice.note":    {"Your internal note was added. The requester does not see it.", "Tu nota interna se ha añadido. El solicitante no la ve."},
		"ticket.notice.status":  {"The status is now %s.", "El estado ahora es %s."},
		"ticket.notice.details": {"The details were saved.", "Se han guardado los detalles."},
		"ticket.err.closed":     {"This ticket was closed, so it takes no more messages. Your text is below if you want to keep it.", "Este ticket se ha cerrado y no admite más mensajes. Tu texto está abajo por si quieres conservarlo."},
		"ticket.err.final":      {"This ticket is closed, and closed is final: it cannot change any more.", "Este ticket está cerrado, y cerrado es definitivo: ya no puede cambiar."},
		"ticket.err.move":       {"A ticket that is %s can only move to: %s. It may have changed since you opened the page.", "Un ticket en estado %s solo puede pasar a: %s. Puede haber cambiado desde que abriste la página."},
		"ticket.err.status":     {"Choose one of the status buttons.", "Elige uno de los botones de estado."},
		"ticket.err.details":    {"The details were not saved: see the messages beside the fields.", "No se han guardado los detalles: mira los mensajes junto a los campos."},
		"ticket.err.assignee":   {"Choose an agent whose account is active, or nobody", "Elige un agente con la cuenta activa, o a nadie"},
		"ticket.err.priority":   {"Choose one of the priorities", "Elige una de las prioridades"},
		"ticket.err.category":   {"Choose a category that is in use", "Elige una categoría en uso"},
	})
}
