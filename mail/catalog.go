package mail

// words is every sentence an email says, in one language. A struct rather
// than a map of keys, so that a missing translation is a test failure (see
// catalog_test.go) and a misspelt key does not compile.
type words struct {
	Greeting       string // %s: the person's name
	GreetingNoName string
	Signature      string

	LabelTicket, LabelSubject, LabelCategory, LabelStatus, LabelPriority, LabelRequester, LabelMessage string
	Statuses                                                                                           map[string]string
	Roles                                                                                              map[string]string
	Priorities                                                                                         map[string]string

	ReplyByEmail string // when replies to the email reach the ticket
	ReplyOnPage  string // when they do not
	PrivateLink  string

	CreatedPreheader string // %d: ticket number
	CreatedIntro     string
	CreatedNumber    string // %d
	YourMessage      string
	FollowButton     string

	AgentReplyPreheader string // %s: agent, %d: ticket
	AgentReplyIntro     string // %s: agent, %d: ticket
	AgentReplyFiles     string
	ConversationButton  string

	ResolvedPreheader string // %d
	ResolvedIntro     string // %d
	ResolvedQuestion  string
	ResolvedHow       string
	SolvedButton      string
	ReopenButton      string
	ResolvedMovedOn   string // %s: the status now

	ClosedPreheader string // %d
	ClosedIntro     string // %d
	ClosedNew       string // %s: the support form's address
	SeeButton       string

	NewTicketSubject string // %s: the ticket's subject
	NewTicketIntro   string // %s: name, %s: address, %s: role
	AssignedSubject  string // %s
	AssignedIntro    string // %d, %s: name
	ReplySubject     string // %s: the ticket's subject
	ReplyIntro       string // %s: name, %d: the ticket
	ReplyReopened    string // the reply reopened a resolved ticket
	ReplyFiles       string
	OpenButton       string
	AgentFooter      string

	// Emails in (CONTRACT §5). What the listener writes on a ticket:
	FilesOnly         string // the text of an emailed message that brought files and no words
	NoText            string // the text of a ticket opened by an email of which nothing could be kept
	NoSubject         string // the subject of a ticket opened by an email without one
	LeftOutNote       string // %s: the sender; the system message's first line
	LeftOutType       string // why a file was left out: its type
	LeftOutSize       string // %s: the largest a file may be ("10 MB")
	LeftOutQuota      string // %d: the files a ticket holds
	LeftOutUnreadable string
	LeftOutUnnamed    string // a part that had no name
	LeftOutText       string // %d: the characters a message holds; the end of a longer text
	// … and the one email to the sender about it.
	LeftOutSubject string
	LeftOutIntro   string // %d: the ticket
	LeftOutLabel   string
	LeftOutAgain   string
	EmptySubject   string
	EmptyIntro     string // %d: the ticket
	EmptyAgain     string

	// Refusals of the reply listener, which the sender's server mails back
	// to the person. SMTP replies are ASCII (RFC 5321 §2.4), hence Spanish
	// without accents.
	ClosedRefusal   string // %s: the support form's address
	LongLineRefusal string // %d: the longest line allowed
}

// catalogs holds the wording by ticket language; English is the fallback.
var catalogs = map[string]*words{"en": &english, "es": &spanish}

func wordsFor(lang string) *words {
	if w, ok := catalogs[lang]; ok {
		return w
	}
	return &english
}

var english = words{
	Greeting:       "Hi %s,",
	GreetingNoName: "Hi,",
	Signature:      "Kinconecta Support",

	LabelTicket: "Ticket", LabelSubject: "Subject", LabelCategory: "Category", LabelStatus: "Status",
	LabelPriority: "Priority", LabelRequester: "Requester", LabelMessage: "Message",
	Statuses: map[string]string{"created": "Received", "open": "Open", "in_progress": "In progress",
		"resolved": "Resolved", "closed": "Closed"},
	Roles:      map[string]string{"tourist": "tourist", "guide": "guide", "guest": "guest"},
	Priorities: map[string]string{"low": "Low", "normal": "Normal", "high": "High", "urgent": "Urgent"},

	ReplyByEmail: "To add anything, reply to this email or use the link above.",
	ReplyOnPage:  "To add anything to your request, use the link above.",
	PrivateLink:  "The link is private: anyone who has it can read and answer your request, so please don't forward this email.",

	CreatedPreheader: "We received your request #%d.",
	CreatedIntro:     "Thanks for contacting Kinconecta. We received your request and an agent will answer you soon.",
	CreatedNumber:    "Your request number is #%d.",
	YourMessage:      "Your message",
	FollowButton:     "Follow your request",

	AgentReplyPreheader: "%s answered your request #%d.",
	AgentReplyIntro:     "%s answered your request #%d:",
	AgentReplyFiles:     "Files with this answer (on your request's page)",
	ConversationButton:  "See the conversation",

	ResolvedPreheader: "Your request #%d is resolved. Did that solve it?",
	ResolvedIntro:     "We marked your request #%d as resolved.",
	ResolvedQuestion:  "Did this solve your problem?",
	ResolvedHow:       "Each button opens your request's page, where one more click confirms your answer.",
	SolvedButton:      "Yes, it's solved",
	ReopenButton:      "No, I still need help",
	ResolvedMovedOn:   "Since then its status changed to: %s.",

	ClosedPreheader: "Your request #%d is closed.",
	ClosedIntro:     "Your request #%d is now closed. Thank you for your patience.",
	ClosedNew:       "If you need anything else, send us a new request at %s",
	SeeButton:       "See your request",

	NewTicketSubject: "New: %s",
	NewTicketIntro:   "A new request arrived from %s <%s> (%s).",
	AssignedSubject:  "Assigned to you: %s",
	AssignedIntro:    "Ticket #%d from %s is now assigned to you.",
	ReplySubject:     "Reply: %s",
	ReplyIntro:       "%s wrote on ticket #%d.",
	ReplyReopened:    "The ticket was resolved; this reply opened it again.",
	ReplyFiles:       "Files with this message (open the ticket to see them)",
	OpenButton:       "Open the ticket",
	AgentFooter:      "You receive this email as an agent of the Kinconecta helpdesk.",

	FilesOnly:         "(files sent without a message)",
	NoText:            "(an email of which nothing could be kept; see the note below)",
	NoSubject:         "(no subject)",
	LeftOutNote:       "Not everything in the email from %s could be kept:",
	LeftOutType:       "not a type of file we accept (pictures, PDF or plain text)",
	LeftOutSize:       "larger than %s, the most a file may be",
	LeftOutQuota:      "the request already holds %d files, the most it may",
	LeftOutUnreadable: "it could not be read",
	LeftOutUnnamed:    "a part without a name",
	LeftOutText:       "the text after its first %d characters: a message may be no longer",
	LeftOutSubject:    "Not everything in your email was kept",
	LeftOutIntro:      "We received your email about request #%d, but could not keep all of it. This note was added to the request:",
	LeftOutLabel:      "Left out",
	LeftOutAgain:      "To send a file again, reply to this email with it as a picture, a PDF or plain text, within the size shown.",
	EmptySubject:      "Your email arrived empty",
	EmptyIntro:        "We received your email about request #%d, but once the earlier messages it quoted were set aside nothing new was left in it, so it was not added.",
	EmptyAgain:        "If you meant to write something, reply to this email and write above the quoted text.",

	ClosedRefusal:   "This request is closed, so replies no longer reach it; please send a new request at %s",
	LongLineRefusal: "This message has a line longer than %d characters, which email does not allow (RFC 5322), and was not delivered; please send it again or write on your request's page",
}

var spanish = words{
	Greeting:       "Hola, %s:",
	GreetingNoName: "Hola:",
	Signature:      "Soporte de Kinconecta",

	LabelTicket: "Solicitud", LabelSubject: "Asunto", LabelCategory: "Categoría", LabelStatus: "Estado",
	LabelPriority: "Prioridad", LabelRequester: "Solicitante", LabelMessage: "Mensaje",
	Statuses: map[string]string{"created": "Recibida", "open": "Abierta", "in_progress": "En curso",
		"resolved": "Resuelta", "closed": "Cerrada"},
	Roles:      map[string]string{"tourist": "turista", "guide": "guía", "guest": "invitado"},
	Priorities: map[string]string{"low": "Baja", "normal": "Normal", "high": "Alta", "urgent": "Urgente"},

	ReplyByEmail: "Para añadir algo, responde a este correo o usa el enlace de arriba.",
	ReplyOnPage:  "Para añadir algo a tu solicitud, usa el enlace de arriba.",
	PrivateLink:  "El enlace es privado: quien lo tenga puede leer y responder tu solicitud, así que no reenvíes este correo.",

	CreatedPreheader: "Recibimos tu solicitud #%d.",
	CreatedIntro:     "Gracias por escribir a Kinconecta. Recibimos tu solicitud y un agente te responderá pronto.",
	CreatedNumber:    "El número de tu solicitud es #%d.",
	YourMessage:      "Tu mensaje",
	FollowButton:     "Seguir tu solicitud",

	AgentReplyPreheader: "%s respondió a tu solicitud #%d.",
	AgentReplyIntro:     "%s respondió a tu solicitud #%d:",
	AgentReplyFiles:     "Archivos de esta respuesta (en la página de tu solicitud)",
	ConversationButton:  "Ver la conversación",

	ResolvedPreheader: "Tu solicitud #%d está resuelta. ¿Se solucionó?",
	ResolvedIntro:     "Marcamos tu solicitud #%d como resuelta.",
	ResolvedQuestion:  "¿Se solucionó tu problema?",
	ResolvedHow:       "Cada botón abre la página de tu solicitud, donde confirmas tu respuesta con un clic más.",
	SolvedButton:      "Sí, está solucionado",
	ReopenButton:      "No, todavía necesito ayuda",
	ResolvedMovedOn:   "Desde entonces su estado cambió a: %s.",

	ClosedPreheader: "Tu solicitud #%d está cerrada.",
	ClosedIntro:     "Tu solicitud #%d ya está cerrada. Gracias por tu paciencia.",
	ClosedNew:       "Si necesitas algo más, envíanos una nueva solicitud en %s",
	SeeButton:       "Ver tu solicitud",

	NewTicketSubject: "Nueva: %s",
	NewTicketIntro:   "Llegó una nueva solicitud de %s <%s> (%s).",
	AssignedSubject:  "Asignada a ti: %s",
	AssignedIntro:    "La solicitud #%d de %s ahora está asignada a ti.",
	ReplySubject:     "Respuesta: %s",
	ReplyIntro:       "%s escribió en la solicitud #%d.",
	ReplyReopened:    "La solicitud estaba resuelta; esta respuesta la volvió a abrir.",
	ReplyFiles:       "Archivos de este mensaje (abre la solicitud para verlos)",
	OpenButton:       "Abrir la solicitud",
	AgentFooter:      "Recibes este correo como agente del centro de ayuda de Kinconecta.",

	FilesOnly:         "(archivos enviados sin mensaje)",
	NoText:            "(un correo del que no se pudo guardar nada; ver la nota de abajo)",
	NoSubject:         "(sin asunto)",
	LeftOutNote:       "No se pudo guardar todo lo que traía el correo de %s:",
	LeftOutType:       "no es un tipo de archivo que aceptemos (imágenes, PDF o texto)",
	LeftOutSize:       "pesa más de %s, el máximo por archivo",
	LeftOutQuota:      "la solicitud ya tiene %d archivos, el máximo",
	LeftOutUnreadable: "no se pudo leer",
	LeftOutUnnamed:    "una parte sin nombre",
	LeftOutText:       "el texto después de sus primeros %d caracteres: un mensaje no puede ser más largo",
	LeftOutSubject:    "No se guardó todo tu correo",
	LeftOutIntro:      "Recibimos tu correo sobre la solicitud #%d, pero no pudimos guardarlo entero. Se añadió esta nota a la solicitud:",
	LeftOutLabel:      "Lo que no se guardó",
	LeftOutAgain:      "Para enviar de nuevo un archivo, responde a este correo con él como imagen, PDF o texto, sin pasar del tamaño indicado.",
	EmptySubject:      "Tu correo llegó vacío",
	EmptyIntro:        "Recibimos tu correo sobre la solicitud #%d, pero al dejar de lado los mensajes anteriores que citaba no quedaba nada nuevo, así que no se añadió.",
	EmptyAgain:        "Si querías escribir algo, responde a este correo y escríbelo encima del texto citado.",

	ClosedRefusal:   "Esta solicitud esta cerrada y ya no recibe respuestas; por favor envia una nueva solicitud en %s",
	LongLineRefusal: "Este mensaje tiene una linea de mas de %d caracteres, que el correo no admite (RFC 5322), y no se entrego; envialo de nuevo o escribe en la pagina de tu solicitud",
}
