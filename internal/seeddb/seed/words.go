package seed

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// The word lists: names, places and, for each category, what tourists,
// guides and guests write to support, in English and Spanish. The slots
// {place}, {ref} and {day} are filled per ticket so that text varies and
// full-text search sees both very common and rare terms.

var firstNames = []string{
	"Ana", "Carlos", "María", "José", "Lucía", "Diego", "Sofía", "Javier", "Valentina", "Mateo",
	"Camila", "Andrés", "Isabel", "Fernando", "Ximena", "Santiago", "Guadalupe", "Alejandro",
	"Emily", "James", "Olivia", "Liam", "Emma", "Noah", "Sophie", "Daniel", "Grace", "Thomas",
	"Chloe", "Lucas", "Hannah", "Oliver", "Claire", "Ethan", "Léa", "Jonas", "Giulia", "Kenji",
}

var lastNames = []string{
	"Martínez", "García", "López", "Hernández", "González", "Rodríguez", "Pérez", "Sánchez",
	"Ramírez", "Torres", "Flores", "Rivera", "Gómez", "Díaz", "Cruz", "Morales", "Ortiz", "Núñez",
	"Smith", "Johnson", "Brown", "Williams", "Taylor", "Wilson", "Clarke", "Evans", "Walker",
	"Müller", "Rossi", "Dubois", "Tanaka", "O'Connor",
}

var domains = []string{"example.com", "example.org", "example.net", "correo.example.mx", "mail.example.es"}

var places = []string{
	"Oaxaca", "Ciudad de México", "Cancún", "Guanajuato", "San Cristóbal de las Casas", "Tulum",
	"Puebla", "Mérida", "Guadalajara", "Bacalar", "Valle de Guadalupe", "Teotihuacán", "Querétaro",
	"Holbox", "Chiapas", "Cusco", "Cartagena", "Medellín", "Buenos Aires", "Valparaíso",
}

// topic is one category's vocabulary in one language.
type topic struct {
	subjects  []string
	sentences []string
}

// topics is keyed by canonical category name, then language.
var topics = map[string]map[string]topic{
	"General Inquiry": {
		"en": {
			subjects: []string{"Question about tour cancellation", "How do tips work for guides?",
				"Do guides in {place} speak English?", "Can I bring my children on the {place} tour?",
				"What is included in the price?", "Group discounts for {place}"},
			sentences: []string{"What is your cancellation policy for tours booked less than 24 hours in advance?",
				"We are a group of four travelling to {place} on {day}.", "I could not find this in the help pages.",
				"Is lunch included or should we bring our own food?", "My partner uses a wheelchair, is the route accessible?"},
		},
		"es": {
			subjects: []string{"Pregunta sobre la cancelación de tours", "¿Cómo funcionan las propinas?",
				"¿Hay guías en {place} que hablen inglés?", "¿Puedo llevar a mis hijos al tour de {place}?",
				"¿Qué incluye el precio?", "Descuentos para grupos en {place}"},
			sentences: []string{"¿Cuál es la política de cancelación para tours reservados con menos de 24 horas?",
				"Somos un grupo de cuatro personas y viajamos a {place} el {day}.", "No encontré esta información en la ayuda.",
				"¿La comida está incluida o debemos llevar la nuestra?", "Mi pareja usa silla de ruedas, ¿la ruta es accesible?"},
		},
	},
	"Technical Issue": {
		"en": {
			subjects: []string{"App crashes when I upload photos", "The map does not load", "I never get notifications",
				"Chat messages arrive hours late", "Payment page shows a blank screen", "Cannot open my itinerary"},
			sentences: []string{"The app closes as soon as I open the chat with my guide.", "I already reinstalled the app and restarted my phone.",
				"It happens on Android and in the browser too.", "The error says something went wrong, try again later.",
				"Screenshots attached, the problem started on {day}."},
		},
		"es": {
			subjects: []string{"La app se cierra al subir fotos", "El mapa no carga", "No me llegan las notificaciones",
				"Los mensajes del chat llegan tarde", "La página de pago aparece en blanco", "No puedo abrir mi itinerario"},
			sentences: []string{"La aplicación se cierra en cuanto abro el chat con mi guía.", "Ya reinstalé la app y reinicié el teléfono.",
				"Pasa en Android y también en el navegador.", "El error dice que algo salió mal, inténtalo más tarde.",
				"Adjunto capturas de pantalla, el problema empezó el {day}."},
		},
	},
	"Billing": {
		"en": {
			subjects: []string{"Charged twice for booking {ref}", "Refund not received yet", "I need an invoice for {ref}",
				"Wrong currency on my receipt", "Card declined but money was taken", "Guide payout is missing"},
			sentences: []string{"My card was charged twice for booking {ref}.", "The refund was approved ten days ago and I still do not see it.",
				"I need an invoice with my company's tax details.", "The receipt shows dollars but I paid in pesos.",
				"Please tell me when my payout for the {place} tour will arrive."},
		},
		"es": {
			subjects: []string{"Cobro duplicado en la reserva {ref}", "No he recibido el reembolso", "Necesito factura de {ref}",
				"Moneda equivocada en mi recibo", "Tarjeta rechazada pero me cobraron", "Falta mi pago como guía"},
			sentences: []string{"Me cobraron dos veces la reserva {ref} en mi tarjeta.", "El reembolso se aprobó hace diez días y todavía no lo veo.",
				"Necesito una factura con los datos fiscales de mi empresa.", "El recibo muestra dólares pero pagué en pesos.",
				"Por favor díganme cuándo llegará el pago del tour en {place}."},
		},
	},
	"Booking": {
		"en": {
			subjects: []string{"Change the date of my {place} tour", "Booking {ref} does not appear", "Cancel my booking for {day}",
				"Guide did not show up in {place}", "Add one more person to {ref}", "Meeting point unclear"},
			sentences: []string{"I would like to move booking {ref} to another day.", "My booking for {place} disappeared from the app.",
				"We waited forty minutes at the meeting point and nobody came.", "Can I add one more traveller to the reservation?",
				"Our flight was cancelled so we cannot make it on {day}."},
		},
		"es": {
			subjects: []string{"Cambio de fecha del tour en {place}", "La reserva {ref} no aparece", "Cancelar mi reserva del {day}",
				"El guía no llegó en {place}", "Agregar una persona a {ref}", "No encuentro el punto de encuentro"},
			sentences: []string{"Quisiera cambiar la reserva {ref} a otro día.", "Mi reserva para {place} desapareció de la aplicación.",
				"Esperamos cuarenta minutos en el punto de encuentro y nadie llegó.", "¿Puedo agregar un viajero más a la reservación?",
				"Cancelaron nuestro vuelo y no podremos llegar el {day}."},
		},
	},
	"Account": {
		"en": {
			subjects: []string{"Cannot reset my password", "Verification code never arrives", "Please delete my account",
				"Someone else logged into my account", "Change the email on my account", "Locked out after too many attempts"},
			sentences: []string{"The password reset email never arrives, I checked the spam folder.", "I think someone else used my account on {day}.",
				"Please delete my account and all my data.", "I want to change my email address to a new one.",
				"The app says my account is locked."},
		},
		"es": {
			subjects: []string{"No puedo restablecer mi contraseña", "No llega el código de verificación", "Eliminar mi cuenta",
				"Alguien más entró a mi cuenta", "Cambiar el correo de mi cuenta", "Cuenta bloqueada por intentos"},
			sentences: []string{"El correo para restablecer la contraseña nunca llega, ya revisé spam.", "Creo que alguien usó mi cuenta el {day}.",
				"Por favor eliminen mi cuenta y todos mis datos.", "Quiero cambiar mi correo electrónico por uno nuevo.",
				"La aplicación dice que mi cuenta está bloqueada."},
		},
	},
	"Guide Verification": {
		"en": {
			subjects: []string{"My guide documents are still pending", "Verification rejected without a reason",
				"How long does guide verification take?", "Uploaded my tourist guide licence", "ID photo keeps failing"},
			sentences: []string{"I uploaded my official guide licence for {place} two weeks ago.", "My verification was rejected and nobody told me why.",
				"The photo of my ID fails every time, is there a size limit?", "I have worked as a guide in {place} for ten years.",
				"Which documents do you need from guides outside Mexico?"},
		},
		"es": {
			subjects: []string{"Mis documentos de guía siguen pendientes", "Rechazaron mi verificación sin motivo",
				"¿Cuánto tarda la verificación de guías?", "Subí mi credencial de guía de turistas", "La foto de mi identificación falla"},
			sentences: []string{"Subí mi credencial oficial de guía de {place} hace dos semanas.", "Rechazaron mi verificación y nadie me explicó por qué.",
				"La foto de mi identificación falla siempre, ¿hay un límite de tamaño?", "Trabajo como guía en {place} desde hace diez años.",
				"¿Qué documentos necesitan de guías fuera de México?"},
		},
	},
	"Other": {
		"en": {
			subjects: []string{"Feedback about my guide in {place}", "Suggestion for the platform", "Partnership inquiry",
				"Press request", "Thank you for the {place} tour"},
			sentences: []string{"Our guide in {place} was wonderful and we want to thank him.", "It would be great to filter tours by language.",
				"We run a small hotel and would like to work with your guides.", "I am writing an article about community tourism."},
		},
		"es": {
			subjects: []string{"Comentarios sobre mi guía en {place}", "Sugerencia para la plataforma", "Propuesta de colaboración",
				"Solicitud de prensa", "Gracias por el tour en {place}"},
			sentences: []string{"Nuestra guía en {place} fue maravillosa y queremos agradecerle.", "Sería genial poder filtrar los tours por idioma.",
				"Tenemos un pequeño hotel y queremos trabajar con sus guías.", "Estoy escribiendo un artículo sobre turismo comunitario."},
		},
	},
}

var greetings = map[string][]string{
	"en": {"Hello,", "Hi team,", "Good morning,", "Dear Kinconecta support,", ""},
	"es": {"Hola,", "Buenos días,", "Estimado equipo de Kinconecta,", "Buenas tardes,", ""},
}

var closings = map[string][]string{
	"en": {"Thanks in advance.", "Thank you!", "Regards,", "Please help, it is urgent.", ""},
	"es": {"Gracias de antemano.", "¡Muchas gracias!", "Saludos,", "Por favor ayúdenme, es urgente.", ""},
}

var replies = map[string][]string{
	"en": {"Thanks for writing to us. We are looking into it and will get back to you shortly.",
		"We have issued the refund; it can take 5 to 10 business days to appear.",
		"Your booking has been updated. Let us know if anything else is wrong.",
		"We reset the verification; please upload the document again."},
	"es": {"Gracias por escribirnos. Lo estamos revisando y te responderemos pronto.",
		"Ya emitimos el reembolso; puede tardar de 5 a 10 días hábiles en verse.",
		"Actualizamos tu reserva. Avísanos si algo más está mal.",
		"Reiniciamos la verificación; por favor sube el documento de nuevo."},
}

var months = map[string][]string{
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	"es": {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"},
}

// asciiFold drops the accents an email local part cannot carry.
var asciiFold = strings.NewReplacer("á", "a", "é", "e", "í", "i", "ó", "o", "ú", "u", "ü", "u", "ñ", "n", "'", "")

// person returns a requester's name and address.
func person(r *rand.Rand) (name, email string) {
	first, last := pick(r, firstNames), pick(r, lastNames)
	local := asciiFold.Replace(strings.ToLower(first + "." + last))
	if r.IntN(3) > 0 {
		local += strconv.Itoa(r.IntN(100))
	}
	return first + " " + last, local + "@" + pick(r, domains)
}

// compose writes a subject and a message on category in lang.
func compose(r *rand.Rand, category, lang string) (subject, message string) {
	tp := topics[category][lang]
	fill := strings.NewReplacer(
		"{place}", pick(r, places),
		"{ref}", "KC-"+strconv.Itoa(1000+r.IntN(90000)),
		"{day}", strconv.Itoa(1+r.IntN(28))+" "+pick(r, months[lang]),
	)
	var b strings.Builder
	if g := pick(r, greetings[lang]); g != "" {
		b.WriteString(g + "\n\n")
	}
	for i, n := 0, 1+r.IntN(3); i < n; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(pick(r, tp.sentences))
	}
	if c := pick(r, closings[lang]); c != "" {
		b.WriteString("\n\n" + c)
	}
	return fill.Replace(pick(r, tp.subjects)), fill.Replace(b.String())
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }
