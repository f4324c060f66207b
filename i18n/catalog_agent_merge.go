package i18n

// The workspace's tags card and merging tickets: the merge card, the merge
// page with its preview, and how the history tells of both.
func init() {
	addStrings(map[string][2]string{
		"ticketTags.title":       {"Tags", "Etiquetas"},
		"ticketTags.none":        {"No tags yet.", "Aún sin etiquetas."},
		"ticketTags.remove":      {"Remove the tag %s", "Quitar la etiqueta %s"},
		"ticketTags.add":         {"Add tags", "Añadir etiquetas"},
		"ticketTags.addButton":   {"Add", "Añadir"},
		"ticketTags.hint":        {"Letters, digits, - _ or . (up to 40 each); separate several with commas or spaces.", "Letras, números, - _ o . (hasta 40 cada una); separa varias con comas o espacios."},
		"ticketTags.err.invalid": {"A tag may hold only letters, digits, - _ or . and up to 40 of them.", "Una etiqueta solo puede tener letras, números, - _ o . y hasta 40 caracteres."},
		"ticketTags.err.tooMany": {"A ticket holds at most 20 tags. Remove one before adding more.", "Un ticket admite como máximo 20 etiquetas. Quita alguna antes de añadir más."},

		"merge.open":           {"Merge into…", "Fusionar con…"},
		"merge.explain":        {"Merging moves this ticket's messages, files, history and tags into another ticket of the same requester, and closes this one. Its tracking link and reply address then lead to the other ticket.", "Fusionar mueve los mensajes, archivos, historial y etiquetas de este ticket a otro ticket del mismo solicitante, y cierra este. Su enlace de seguimiento y su dirección de respuesta llevan desde entonces al otro ticket."},
		"merge.sameRequester":  {"The requester's open tickets", "Tickets abiertos del solicitante"},
		"merge.into":           {"Merge into %s", "Fusionar con %s"},
		"merge.search":         {"Find a ticket by number or subject", "Buscar un ticket por número o asunto"},
		"merge.searchHint":     {"Only tickets of the same requester that are not closed can take a merge.", "Solo se puede fusionar con tickets del mismo solicitante que no estén cerrados."},
		"merge.find":           {"Find", "Buscar"},
		"merge.crumb":          {"Merge", "Fusionar"},
		"merge.title":          {"Merge %s into another ticket", "Fusionar %s con otro ticket"},
		"merge.choose":         {"Choose the ticket to merge into", "Elige el ticket con el que fusionar"},
		"merge.none":           {"No open ticket of this requester matches.", "Ningún ticket abierto de este solicitante coincide."},
		"merge.preview":        {"Preview", "Vista previa"},
		"merge.previewTitle":   {"Merge %[1]s into %[2]s", "Fusionar %[1]s con %[2]s"},
		"merge.moves.messages": {"Messages that move: %[1]d (internal notes among them: %[2]d), counting this ticket's own request", "Mensajes que se mueven: %[1]d (notas internas entre ellos: %[2]d), contando la solicitud de este ticket"},
		"merge.moves.files":    {"Files that move: %d", "Archivos que se mueven: %d"},
		"merge.moves.events":   {"History entries that move: %d", "Entradas del historial que se mueven: %d"},
		"merge.tagsAfter":      {"Tags after the merge", "Etiquetas tras la fusión"},
		"merge.tagNew":         {"new", "nueva"},
		"merge.final":          {"%[1]s will be closed for good and point to %[2]s. A merge cannot be undone.", "%[1]s quedará cerrado definitivamente y apuntará a %[2]s. Una fusión no se puede deshacer."},
		"merge.confirm":        {"Merge %[1]s into %[2]s", "Fusionar %[1]s con %[2]s"},
		"merge.cancel":         {"Cancel", "Cancelar"},
		"merge.refused":        {"This merge cannot be done", "Esta fusión no se puede hacer"},
		"merge.mergedInto":     {"Merged into", "Fusionado con"},
		"merge.mergedIntoText": {"Its conversation, files and history are on that ticket now.", "Su conversación, archivos e historial están ahora en ese ticket."},

		"merge.err.into":         {"Choose the ticket to merge into by its number.", "Elige por su número el ticket con el que fusionar."},
		"merge.err.itself":       {"A ticket cannot be merged into itself.", "Un ticket no se puede fusionar consigo mismo."},
		"merge.err.notFound":     {"There is no ticket %s.", "No existe el ticket %s."},
		"merge.err.requester":    {"%[1]s is from %[2]s, another requester: only one requester's tickets can be merged.", "%[1]s es de %[2]s, otro solicitante: solo se pueden fusionar tickets del mismo solicitante."},
		"merge.err.sourceClosed": {"This ticket is closed, and a closed ticket is not merged.", "Este ticket está cerrado, y un ticket cerrado no se fusiona."},
		"merge.err.merged":       {"This ticket was already merged into %s.", "Este ticket ya se fusionó con %s."},
		"merge.err.targetClosed": {"%s is closed and takes nothing more: choose an open ticket.", "%s está cerrado y no admite nada más: elige un ticket abierto."},
		"merge.err.tags":         {"Together the two tickets carry more than 20 tags. Remove some first.", "Juntos, los dos tickets llevan más de 20 etiquetas. Quita alguna primero."},

		"ticket.history.tagsAdded":   {"%[1]s added tags: %[2]s", "%[1]s añadió etiquetas: %[2]s"},
		"ticket.history.tagsRemoved": {"%[1]s removed tags: %[2]s", "%[1]s quitó etiquetas: %[2]s"},
		"ticket.history.tagsChanged": {"%[1]s added tags: %[2]s; and removed: %[3]s", "%[1]s añadió etiquetas: %[2]s; y quitó: %[3]s"},
		"ticket.history.mergedInto":  {"%[1]s merged this ticket into %[2]s", "%[1]s fusionó este ticket con %[2]s"},
		"ticket.history.mergedFrom":  {"%[1]s merged %[2]s into this ticket", "%[1]s fusionó %[2]s con este ticket"},
		"ticket.notice.merged":       {"%s was merged into this ticket.", "%s se fusionó con este ticket."},
		"ticket.notice.tags":         {"The tags were saved.", "Se han guardado las etiquetas."},
	})
}
