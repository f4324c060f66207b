package i18n

import (
	"fmt"
	"log/slog"
)

// T returns the string for key in l, formatted with args (fmt verbs; use
// %[n]s when a language needs the arguments in another order). A missing
// key shows itself, and the catalogue test makes sure none is missing.
func (l Lang) T(key string, args ...any) string {
	pair, ok := catalog[key]
	if !ok {
		slog.Warn("i18n: missing key", "key", key)
		return key
	}
	s := pair[0]
	if l == ES {
		s = pair[1]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Has reports whether key is in the catalogue.
func Has(key string) bool {
	_, ok := catalog[key]
	return ok
}

// catalog is every string people read, as {English, Spanish}. Each part
// of the site keeps its strings in its own file and registers them.
var catalog = map[string][2]string{}

func init() { addStrings(requesterStrings) }

// requesterStrings are the frame's, the support form's, the tracking
// page's and the error page's strings.
var requesterStrings = map[string][2]string{
	// The frame.
	"site.name":         {"Kinconecta Help", "Ayuda Kinconecta"},
	"site.help":         {"Help", "Ayuda"},
	"layout.skip":       {"Skip to main content", "Saltar al contenido principal"},
	"layout.footer":     {"Kinconecta · Travel with locals, supported by people.", "Kinconecta · Viaja con gente local, con personas que te ayudan."},
	"layout.newRequest": {"Ask for help with something else", "Pedir ayuda con otra cosa"},

	// The support form.
	"form.kicker":         {"Kinconecta support", "Soporte de Kinconecta"},
	"form.title":          {"How can we help?", "¿Cómo podemos ayudarte?"},
	"form.lead":           {"Tell us what happened and our team will get back to you. You can follow your request and reply on its own page.", "Cuéntanos qué ha pasado y nuestro equipo te responderá. Podrás seguir tu solicitud y contestar desde su propia página."},
	"form.optional":       {"optional", "opcional"},
	"form.errorPrefix":    {"Error:", "Error:"},
	"form.errorsTitle":    {"There is a problem", "Hay un problema"},
	"form.roleContext":    {"I am a…", "Soy…"},
	"role.tourist":        {"Tourist", "Turista"},
	"role.tourist.hint":   {"I book tours and experiences", "Reservo tours y experiencias"},
	"role.guide":          {"Guide", "Guía"},
	"role.guide.hint":     {"I offer tours on Kinconecta", "Ofrezco tours en Kinconecta"},
	"role.guest":          {"Guest", "Invitado"},
	"role.guest.hint":     {"I don't have an account yet", "Aún no tengo cuenta"},
	"form.fullName":       {"Full name", "Nombre completo"},
	"form.email":          {"Email address", "Correo electrónico"},
	"form.category":       {"What is it about?", "¿Sobre qué es?"},
	"form.categoryChoose": {"Choose a topic", "Elige un tema"},
	"form.subject":        {"Subject", "Asunto"},
	"form.message":        {"Message", "Mensaje"},
	"form.messageHint":    {"Include booking references, dates and what you expected to happen. Up to %s characters.", "Incluye referencias de reserva, fechas y lo que esperabas que pasara. Hasta %s caracteres."},
	"form.charsLeft":      {"You have %s characters left", "Te quedan %s caracteres"},
	"form.charsOver":      {"You have %s characters too many", "Te sobran %s caracteres"},
	"form.attachments":    {"Files", "Archivos"},
	"form.filesNotKept":   {"For your security, files you chose were not kept: please add them again.", "Por seguridad, los archivos que elegiste no se han guardado: vuelve a añadirlos."},
	"form.sendFailed":     {"We couldn't send this. Check your connection and try again.", "No hemos podido enviarlo. Comprueba tu conexión e inténtalo de nuevo."},
	"form.sending":        {"Sending…", "Enviando…"},
	"form.submit":         {"Send request", "Enviar solicitud"},
	"form.privacy":        {"We use your name and email only to answer this request.", "Usamos tu nombre y correo solo para responder a esta solicitud."},
	"form.nextTitle":      {"What happens next", "Qué pasa después"},
	"form.next1":          {"You get a ticket number and a private page to follow your request.", "Recibes un número de ticket y una página privada para seguir tu solicitud."},
	"form.next2":          {"Our team replies there, usually within one working day.", "Nuestro equipo te responde allí, normalmente en un día laborable."},
	"form.next3":          {"When it's sorted, you confirm it's solved — or tell us it isn't.", "Cuando esté resuelto, confirmas que lo está, o nos dices que no."},
	"form.tip":            {"Tip: a screenshot or your booking confirmation helps us help you faster.", "Consejo: una captura de pantalla o la confirmación de tu reserva nos ayuda a ayudarte antes."},
	"form.honeypot":       {"Leave this field empty", "Deja este campo vacío"},

	// The file uploader.
	"upload.hint":       {"PNG, JPEG, GIF, WebP, HEIC, PDF or plain text; up to %s each, %s files at most.", "PNG, JPEG, GIF, WebP, HEIC, PDF o texto; hasta %s cada uno, %s archivos como máximo."},
	"upload.choose":     {"Choose files", "Elegir archivos"},
	"upload.drop":       {"Drag and drop files here, or", "Arrastra y suelta archivos aquí, o"},
	"upload.tooLarge":   {"%s is larger than %s.", "%s ocupa más de %s."},
	"upload.badType":    {"%s is not an accepted type: use PNG, JPEG, GIF, WebP, HEIC, PDF or plain text.", "%s no es de un tipo aceptado: usa PNG, JPEG, GIF, WebP, HEIC, PDF o texto."},
	"upload.tooMany":    {"You can add %s files at most.", "Puedes añadir %s archivos como máximo."},
	"upload.empty":      {"%s is empty.", "%s está vacío."},
	"upload.remove":     {"Remove %s", "Quitar %s"},
	"upload.listLabel":  {"Chosen files", "Archivos elegidos"},
	"upload.progress":   {"Upload progress", "Progreso de la subida"},
	"upload.tooBig":     {"The files are too large to send together.", "Los archivos son demasiado grandes para enviarlos juntos."},
	"upload.unreadable": {"The upload was interrupted. Please try again.", "La subida se interrumpió. Inténtalo de nuevo."},

	// Field errors.
	"err.required.roleContext": {"Choose whether you are a tourist, a guide or a guest", "Indica si eres turista, guía o invitado"},
	"err.required.fullName":    {"Enter your full name", "Escribe tu nombre completo"},
	"err.required.email":       {"Enter your email address", "Escribe tu correo electrónico"},
	"err.required.category":    {"Choose what your request is about", "Elige sobre qué es tu solicitud"},
	"err.required.subject":     {"Enter a subject", "Escribe un asunto"},
	"err.required.message":     {"Enter your message", "Escribe tu mensaje"},
	"err.required.body":        {"Enter your reply", "Escribe tu respuesta"},
	"err.tooLong":              {"Use %s characters or fewer", "Usa %s caracteres como máximo"},
	"err.email":                {"Enter an email address in the right format, like name@example.com", "Escribe un correo con el formato correcto, como nombre@ejemplo.com"},
	"err.category":             {"Choose one of the topics in the list", "Elige uno de los temas de la lista"},
	"err.role":                 {"Choose tourist, guide or guest", "Elige turista, guía o invitado"},
	"err.text":                 {"Remove the characters that are not text", "Quita los caracteres que no son texto"},
	"err.invalid":              {"Check this field: %s", "Revisa este campo: %s"},
	"err.honeypot":             {"We could not accept this form. Please check your details and send it again.", "No hemos podido aceptar este formulario. Revisa tus datos y vuelve a enviarlo."},

	// Ticket states.
	"status.created":     {"Received", "Recibido"},
	"status.open":        {"Open", "Abierto"},
	"status.in_progress": {"In progress", "En curso"},
	"status.resolved":    {"Resolved", "Resuelto"},
	"status.closed":      {"Closed", "Cerrado"},

	// The tracking page.
	"track.title":             {"Ticket #%s", "Ticket n.º %s"},
	"track.number":            {"Ticket #%s", "Ticket n.º %s"},
	"track.opened":            {"Opened", "Abierto el"},
	"track.received":          {"Ticket #%s received", "Ticket n.º %s recibido"},
	"track.receivedText":      {"Thanks for writing. Our team will reply on this page; keep its address to come back.", "Gracias por escribirnos. Nuestro equipo te responderá en esta página; guarda su dirección para volver."},
	"track.statusTitle":       {"Status", "Estado"},
	"track.stepsLabel":        {"Progress of your request", "Progreso de tu solicitud"},
	"track.stepDone":          {"done", "completado"},
	"track.stepNow":           {"Now", "Ahora"},
	"track.stepTodo":          {"to come", "pendiente"},
	"track.stepSkipped":       {"Skipped", "Omitido"},
	"track.about.created":     {"We have your request and will look at it soon.", "Tenemos tu solicitud y la revisaremos pronto."},
	"track.about.open":        {"Your request is in our queue; a member of the team will pick it up.", "Tu solicitud está en nuestra cola; alguien del equipo se ocupará de ella."},
	"track.about.in_progress": {"We are working on it.", "Estamos trabajando en ello."},
	"track.about.resolved":    {"We think this is solved. Please let us know if it is.", "Creemos que está resuelto. Dinos si es así."},
	"track.about.closed":      {"This request is closed.", "Esta solicitud está cerrada."},
	"track.resolvedTitle":     {"Did this solve your problem?", "¿Se ha resuelto tu problema?"},
	"track.resolvedText":      {"Confirming closes the ticket. If it isn't solved, we'll pick it up again.", "Si lo confirmas, cerraremos el ticket. Si no está resuelto, lo retomaremos."},
	"track.solved":            {"Yes, this solved it", "Sí, está resuelto"},
	"track.notSolved":         {"No, it's still a problem", "No, sigue sin resolverse"},
	"track.thread":            {"Conversation", "Conversación"},
	"track.support":           {"Kinconecta support", "Soporte de Kinconecta"},
	"track.you":               {"You", "Tú"},
	"track.helpdesk":          {"Kinconecta Help", "Ayuda de Kinconecta"},
	"track.note":              {"Note", "Nota"},
	"track.files":             {"Files", "Archivos"},
	"track.external":          {"Opens on another site", "Se abre en otro sitio"},
	"track.replyTitle":        {"Reply", "Responder"},
	"track.replyLabel":        {"Your message", "Tu mensaje"},
	"track.send":              {"Send reply", "Enviar respuesta"},
	"track.filesFull":         {"This ticket already holds %s files, the most it can.", "Este ticket ya tiene %s archivos, el máximo posible."},
	"track.closedTitle":       {"This ticket is closed", "Este ticket está cerrado"},
	"track.closedText":        {"Thanks for letting us know. Need anything else?", "Gracias por avisarnos. ¿Necesitas algo más?"},
	"track.closedBySupport":   {"Support closed this request. Need anything else?", "El equipo de soporte cerró esta solicitud. ¿Necesitas algo más?"},
	"track.sent.reply":        {"Your reply was sent. We'll answer here and by email.", "Tu respuesta se ha enviado. Te responderemos aquí y por correo."},
	"track.sent.closed":       {"Done: your request is closed.", "Hecho: tu solicitud está cerrada."},
	"track.sent.reopened":     {"We've reopened your request and will look at it again. You can add details below.", "Hemos reabierto tu solicitud y la revisaremos de nuevo. Puedes añadir detalles abajo."},
	"track.keepTitle":         {"Keep this page", "Guarda esta página"},
	"track.keepText":          {"This private address is your key to the ticket. Bookmark it and don't share it.", "Esta dirección privada es tu llave del ticket. Guárdala en favoritos y no la compartas."},
	"track.keepLabel":         {"Address of this page", "Dirección de esta página"},

	// The error page.
	"error.code":          {"Error %s", "Error %s"},
	"error.reference":     {"Reference:", "Referencia:"},
	"error.home":          {"Go to the help centre", "Ir al centro de ayuda"},
	"error.default.title": {"Something went wrong", "Algo ha fallado"},
	"error.default.text":  {"We couldn't complete that. Please try again.", "No hemos podido completarlo. Inténtalo de nuevo."},
	"error.400.title":     {"We couldn't read that request", "No hemos podido leer esa solicitud"},
	"error.400.text":      {"Something in the request was malformed. Please go back and try again.", "Algo en la solicitud no era correcto. Vuelve atrás e inténtalo de nuevo."},
	"error.403.title":     {"You can't do that here", "No puedes hacer eso aquí"},
	"error.403.text":      {"You don't have access to this.", "No tienes acceso a esto."},
	"error.csrf.title":    {"This form has expired", "Este formulario ha caducado"},
	"error.csrf.text":     {"For your security we could not accept it. Go back, reload the page and send it again.", "Por seguridad no hemos podido aceptarlo. Vuelve atrás, recarga la página y envíalo de nuevo."},
	"error.404.title":     {"Page not found", "Página no encontrada"},
	"error.404.text":      {"This address doesn't lead anywhere. If you followed a ticket link, check that it was copied in full.", "Esta dirección no lleva a ninguna parte. Si seguiste el enlace de un ticket, comprueba que se copió entero."},
	"error.405.title":     {"That can't be done here", "Eso no se puede hacer aquí"},
	"error.405.text":      {"This page doesn't accept that kind of request.", "Esta página no acepta ese tipo de solicitud."},
	"error.409.title":     {"That change isn't possible now", "Ese cambio no es posible ahora"},
	"error.409.text":      {"The ticket has moved on since you loaded the page. Go back and reload it.", "El ticket ha cambiado desde que cargaste la página. Vuelve atrás y recárgala."},
	"error.413.title":     {"That's too much to send", "Es demasiado para enviar"},
	"error.413.text":      {"Send fewer or smaller files.", "Envía menos archivos o más pequeños."},
	"error.415.title":     {"We can't take that type", "No aceptamos ese tipo"},
	"error.415.text":      {"Use PNG, JPEG, GIF, WebP, HEIC, PDF or plain text files.", "Usa archivos PNG, JPEG, GIF, WebP, HEIC, PDF o de texto."},
	"error.429.title":     {"Too many requests", "Demasiadas solicitudes"},
	"error.429.text":      {"You've sent a lot in a short time. Please wait a minute and try again.", "Has enviado mucho en poco tiempo. Espera un minuto e inténtalo de nuevo."},
	"error.500.title":     {"Something went wrong on our side", "Algo ha fallado por nuestra parte"},
	"error.500.text":      {"It's not you. Please try again in a moment; if it keeps happening, tell us the reference below.", "No es culpa tuya. Inténtalo de nuevo en un momento; si sigue pasando, indícanos la referencia de abajo."},
}
