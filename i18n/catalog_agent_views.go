package i18n

// The desk's frame (header, search, the agent's menu) and the queue's
// views: the side bar, saved views, the filter bar's additions, the bulk
// bar's tags and the list's relative times.
func init() {
	addStrings(map[string][2]string{
		"desk.name":               {"Kinconecta Desk", "Kinconecta Desk"},
		"desk.product":            {"Desk", "Desk"},
		"desk.search":             {"Search tickets", "Buscar tickets"},
		"desk.search.placeholder": {"Search tickets and conversations…", "Buscar en tickets y conversaciones…"},
		"desk.menu":               {"Menu of %s", "Menú de %s"},
		"desk.profile":            {"Your profile", "Tu perfil"},

		"views.title":      {"Views", "Vistas"},
		"views.saved":      {"Saved views", "Vistas guardadas"},
		"views.manage":     {"Manage", "Gestionar"},
		"views.noneSaved":  {"No saved views yet: filter the queue, then “Save view”.", "Aún no hay vistas guardadas: filtra la cola y pulsa «Guardar vista»."},
		"views.mine":       {"Mine", "Míos"},
		"views.unassigned": {"Unassigned", "Sin asignar"},
		"views.awaiting":   {"Awaiting agent", "Esperan al agente"},
		"views.open":       {"All open", "Todos los abiertos"},
		"views.resolved":   {"Resolved", "Resueltos"},
		"views.closed":     {"Closed", "Cerrados"},
		"views.all":        {"All tickets", "Todos los tickets"},
		"views.countMore":  {"%s+", "%s+"},

		"views.tag":             {"Tags", "Etiquetas"},
		"views.tag.placeholder": {"Tag", "Etiqueta"},
		"views.tags":            {"Tags:", "Etiquetas:"},
		"views.moreFilters":     {"More filters", "Más filtros"},
		"views.save":            {"Save view", "Guardar vista"},
		"views.name":            {"View name", "Nombre de la vista"},
		"views.who":             {"Who sees it", "Quién la ve"},
		"views.personal":        {"Only me", "Solo yo"},
		"views.shared":          {"Shared with the team", "Compartida con el equipo"},
		"views.saveSubmit":      {"Save", "Guardar"},

		"views.bulk.one":          {"1 ticket selected", "1 ticket seleccionado"},
		"views.bulk.many":         {"{n} tickets selected", "{n} tickets seleccionados"},
		"views.bulk.keepStatus":   {"Status: keep", "Estado: sin cambio"},
		"views.bulk.keepAssignee": {"Assignee: keep", "Asignación: sin cambio"},
		"views.bulk.addTags":      {"Add tags", "Añadir etiquetas"},
		"views.bulk.removeTags":   {"Remove tags", "Quitar etiquetas"},
		"views.bulk.confirmClose": {"Yes, close for good", "Sí, cerrar definitivamente"},
		"views.bulk.errTags":      {"Tags are 1 to %s letters, digits, “-”, “_” or “.”, separated by commas or spaces; at most 20.", "Las etiquetas tienen de 1 a %s letras, dígitos, «-», «_» o «.», separadas por comas o espacios; 20 como máximo."},

		"views.col.waiting":       {"Waiting", "Espera"},
		"views.waiting.requester": {"On requester", "Del solicitante"},
		"views.time.now":          {"now", "ahora"},
		"views.time.min":          {"%s min", "%s min"},
		"views.time.h":            {"%s h", "%s h"},
		"views.time.yesterday":    {"yesterday", "ayer"},
		"views.time.d":            {"%s d", "%s d"},

		"views.err.empty":    {"Choose some filters first: with none, this is “All tickets”.", "Elige antes algún filtro: sin ninguno es «Todos los tickets»."},
		"views.err.name":     {"Give the view a name.", "Ponle un nombre a la vista."},
		"views.err.taken":    {"You already see a view with that name: choose another.", "Ya ves una vista con ese nombre: elige otro."},
		"views.err.tooMany":  {"You have %s saved views, the most there can be: delete one first.", "Tienes %s vistas guardadas, el máximo: borra una antes."},
		"views.err.nameLong": {"Use at most %s characters, on one line.", "Usa como máximo %s caracteres, en una línea."},

		"views.manage.title": {"Saved views", "Vistas guardadas"},
		"views.manage.lead":  {"Your own views and those shared with the team. You rename and delete yours; admins may delete shared ones.", "Tus vistas y las compartidas con el equipo. Puedes renombrar y borrar las tuyas; los administradores pueden borrar las compartidas."},
		"views.backToQueue":  {"Back to the queue", "Volver a la cola"},
		"views.sharedBy":     {"Shared by %s", "Compartida por %s"},
		"views.rename":       {"Rename", "Renombrar"},
		"views.renameSubmit": {"Save name", "Guardar nombre"},
		"views.delete":       {"Delete", "Borrar"},
		"views.done.renamed": {"View renamed.", "Vista renombrada."},
		"views.done.deleted": {"View deleted.", "Vista borrada."},
	})
}
