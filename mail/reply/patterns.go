package reply

import (
	"regexp"
	"strings"
)

// The words mail clients write around the message they quote, by
// language. These tables are data: supporting one more language or client
// is adding rows here, not code. Patterns are matched case-insensitively
// against one line (or two or three wrapped lines joined by a space) after
// normalisation: Unicode spaces are plain spaces, runs of spaces are one,
// zero-width and direction marks are gone.

// introducer is a line a client writes above a quote ("On … wrote:").
// Whether it really starts the history is judged by what follows it.
type introducer struct {
	lang, pattern string
}

// introducers name the writer with a verb. A row that also holds an
// address and a time may start unquoted history (Yahoo quotes without
// ">"); one with only the verb needs quoted text or a header block below it.
var introducers = []introducer{
	// On Tue, Mar 10, 2026 at 11:00 AM Name <addr> wrote:
	{"en", `(?:on|in a message dated)\s.*\d.*\s(?:wrote|writes|sent)\s*:`},
	// Name <addr> wrote:
	{"en", `.*\S@\S.*\swrote\s*:`},
	// ---- On Tue, 10 Mar 2026 11:00:00 -0600 Name <addr> wrote ---- (Zoho)
	{"en", `on\s.*\d.*\swrote\s*-{2,}`},
	// El mar, 10 mar 2026 a las 11:00, Name (<addr>) escribió:
	{"es", `el\s.*\d.*\s(?:escribió|escribio|ha escrito)\s*:`},
	{"es", `.*\S@\S.*\s(?:escribió|escribio)\s*:`},
	// Em ter., 10 de mar. de 2026 às 11:00, Name <addr> escreveu:
	// A 10/03/26 11:00, Name escreveu: (Thunderbird, Portugal)
	{"pt", `(?:em|no dia|a|às)\s.*\d.*\sescreveu\s*:`},
	// Le mar. 10 mars 2026 à 11:00, Name <addr> a écrit :
	{"fr", `le\s.*\d.*\sa\s+(?:écrit|ecrit)\s*:`},
	// Am Di., 10. März 2026 um 11:00 Uhr schrieb Name <addr>:
	{"de", `am\s.*\d.*\sschrieb(?:\s.*)?:`},
	{"de", `am\s.*\d.*\sgeschrieben\s*:`},
	// Name <addr> schrieb am Di., 10. März 2026, 11:00:
	{"de", `.*\sschrieb\s+am\s.*\d.*:`},
	// Il giorno mar 10 mar 2026 alle ore 11:00 Name <addr> ha scritto:
	{"it", `(?:il giorno|il|in data)\s.*\d.*\sha\s+scritto\s*:`},
	// Op di 10 mrt 2026 om 11:00 schreef Name <addr>:
	// Op 10 mrt. 2026 om 11:00 heeft Name <addr> het volgende geschreven:
	{"nl", `op\s.*\d.*\s(?:schreef(?:\s.*)?|(?:het volgende )?geschreven\s*):`},
	// W dniu 10.03.2026 o 11:00, Name pisze:
	{"pl", `(?:w dniu|dnia)\s.*\d.*\s(?:napisał\(a\)|napisała|napisał|pisze)\s*:`},
	// wt., 10 mar 2026 o 11:00 Name <addr> napisał(a): (Gmail: no lead word)
	{"pl", `.*\d.*\S@\S.*\s(?:napisał\(a\)|napisała|napisał)\s*:`},
	// Wiadomość napisana przez Name w dniu 10.03.2026, o godz. 11:00:
	{"pl", `wiadomość napisana przez\s.*\d.*:`},
	// Den 10. mar. 2026 kl. 11.00 skrev Name <addr>:
	{"sv/da/no", `(?:den|på)\s.*\d.*\sskrev(?:\s.*)?:`},
	// tis 10 mars 2026 kl 11:00 skrev Name <addr>: (Gmail: no lead word)
	{"sv/da/no", `.*\d.*\sskrev\s.*\S@\S.*:`},
	// ti 10. maalisk. 2026 klo 11.00 Name (addr) kirjoitti:
	{"fi", `.*\d.*\S@\S.*\skirjoitti\s*:`},
	// 2014-03-20 8:48 GMT+01:00 Name <addr>: (Gmail's ISO form)
	{"gmail-iso", `\d{4}-\d{2}-\d{2}\s+\d{1,2}:\d{2}\s+GMT[+-]\d{1,2}:?\d{2}\s.*:`},
}

// bareIntroducer is a date, a time and an address in brackets, then a
// colon, with no verb: Gmail in languages we have no words for (Russian,
// Japanese, ...). It counts only above quoted text or a header block.
const bareIntroducer = `.*\d.*\d{1,2}[:.]\d{2}.*[<(\[]\S+@\S+[>)\]]\s*:`

// originalMessage is the line older Outlook, Zimbra and Android clients
// put above the header block of the message replied to.
var originalMessage = []string{
	"original message", "reply message", "original", "mensaje original",
	"message d'origine", "message original", "ursprüngliche nachricht",
	"originalnachricht", "messaggio originale", "oorspronkelijk bericht",
	"origineel bericht", "mensagem original", "wiadomość oryginalna",
	"oryginalna wiadomość", "ursprungligt meddelande", "originalmeddelande",
	"oprindelig meddelelse", "opprinnelig melding", "alkuperäinen viesti",
}

// forwardedRule and forwardedIntro mark a forwarded message: what the
// person sends us on purpose, so it is kept.
var forwardedRule = []string{
	"forwarded message", "mensaje reenviado", "message transféré",
	"weitergeleitete nachricht", "messaggio inoltrato", "doorgestuurd bericht",
	"mensagem encaminhada", "mensagem reencaminhada", "wiadomość przekazana dalej",
	"vidarebefordrat meddelande", "videresendt meddelelse", "videresendt melding",
	"välitetty viesti",
}

var forwardedIntro = []string{
	"begin forwarded message", "inicio del mensaje reenviado",
	"comienzo del mensaje reenviado", "début du message réexpédié",
	"début du message transféré", "anfang der weitergeleiteten nachricht",
	"inizio messaggio inoltrato", "begin doorgestuurd bericht",
	"início da mensagem reencaminhada", "início da mensagem encaminhada",
	"początek przekazywanej wiadomości", "vidarebefordrat brev",
	"videresendt besked", "videresendt melding", "välitetty viesti alkaa",
}

// field is what a header line in a quoted header block says.
type field int

const (
	fieldFrom field = iota
	fieldSent
	fieldTo
	fieldCc
	fieldSubject
	fieldReplyTo
)

// headerNames are the labels of the header block Outlook, Yahoo, Zimbra,
// Samsung Mail and forwards write above the message they include. Longer
// labels come first where one starts another ("Enviado el" / "Enviado").
var headerNames = []struct {
	field field
	names []string
}{
	{fieldFrom, []string{"from", "de", "von", "da", "van", "od", "från", "fra", "lähettäjä",
		"expéditeur", "remitente", "mittente", "afzender", "absender", "от"}},
	{fieldSent, []string{"sent", "date", "enviado el", "enviados", "enviado", "enviada em",
		"enviada", "fecha", "envoyé le", "envoyé", "date d'envoi", "gesendet", "datum",
		"inviato", "data", "verzonden", "verstuurd", "data wysłania", "wysłano",
		"skickat", "sendt", "lähetetty", "отправлено", "дата"}},
	{fieldTo, []string{"to", "para", "à", "a", "an", "aan", "do", "till", "til",
		"vastaanottaja", "destinataire", "destinatario", "destinatarios", "кому"}},
	{fieldCc, []string{"cc", "cco", "bcc", "copia", "kopie", "kopia", "dw", "kopio", "копия"}},
	{fieldSubject, []string{"subject", "asunto", "assunto", "objet", "betreff", "oggetto",
		"onderwerp", "temat", "ämne", "emne", "aihe", "тема"}},
	{fieldReplyTo, []string{"reply-to", "reply to", "responder a", "répondre à", "antwort an",
		"rispondi a", "antwoord aan"}},
}

// mobileSignatures are the lines phones and mail apps add under what the
// person wrote. {device} stands for a device or app name, so that "Sent
// from my hotel room" is not taken for one.
var mobileSignatures = []struct {
	lang, pattern string
}{
	{"en", `sent (?:from|with|via|by|using) (?:my |the )?(?:\S+ )?{device}`},
	{"en", `(?:get|download) outlook for (?:ios|android)`},
	{"es", `enviado (?:desde|con|a través de) (?:mi )?(?:\S+ )?{device}`},
	{"es", `(?:obtener|descargar|descarga) outlook para (?:ios|android)`},
	{"fr", `envoyé (?:de|depuis|à partir de|avec|via) (?:mon |ma )?(?:\S+ )?{device}`},
	{"fr", `(?:obtenir|télécharger) outlook pour (?:ios|android)`},
	{"de", `von meinem (?:\S+ )?{device}\S*(?: \S+){0,3} gesendet`},
	{"de", `gesendet (?:von|mit|über) (?:meinem )?(?:\S+ )?{device}`},
	{"de", `outlook für (?:ios|android) (?:beziehen|herunterladen)`},
	{"it", `inviato (?:da|dal|con|tramite) (?:mio |il mio )?(?:\S+ )?{device}`},
	{"it", `(?:scarica|ottieni) outlook per (?:ios|android)`},
	{"nl", `(?:verzonden|verstuurd) (?:vanaf|met|van|via) (?:mijn )?(?:\S+ )?{device}`},
	{"nl", `outlook voor (?:ios|android) downloaden`},
	{"pt", `enviado (?:do|de|a partir do|a partir de|pelo|com) (?:meu |minha )?(?:\S+ )?{device}`},
	{"pt", `(?:obter|baixe|baixar) o outlook para (?:ios|android)`},
	{"pl", `wysłane (?:z|ze|przy użyciu) (?:mojego |mojej )?(?:\S+ )?{device}`},
	{"pl", `pobierz (?:aplikację )?outlook dla (?:systemu )?(?:ios|android)`},
	{"sv", `skickat från (?:min |mitt )?(?:\S+ )?{device}`},
	{"sv", `hämta outlook för (?:ios|android)`},
	{"da/no", `sendt fra (?:min |mitt |mit )?(?:\S+ )?{device}`},
	{"da/no", `(?:hent|få) outlook (?:til|for) (?:ios|android)`},
	{"fi", `lähetetty (?:\S+ )?{device}`},
}

// devices are the phones and mail apps named in those lines.
const devices = `(?:i?phone|ipad|ipod|apple watch|android|samsung|galaxy|blackberry|huawei|honor|` +
	`xiaomi|redmi|pixel|nokia|motorola|moto|oneplus|oppo|sony|mobile|móvil|movil|celular|` +
	`cellulare|teléfono|telefono|téléphone|telephone|portable|mobiel|telefoon|telemóvel|` +
	`telefone|telefon|telefonu|handy|mobiltelefon|mobil|smartphone|tablet|tableta|tablette|` +
	`dispositivo|appareil|mail|correo|courrier|posta|outlook|yahoo|gmail|aol|proton ?mail|` +
	`tutanota|spark|airmail|bluemail|edison|k-9|thunderbird|windows)`

// closings end a letter ("Saludos,"). A contact block (name, title,
// phone) is only taken for a signature below one of these, so a phone
// number the person gives us in their text stays.
var closings = []struct {
	lang  string
	words []string
}{
	{"en", []string{"regards", "best regards", "kind regards", "warm regards", "best wishes", "best",
		"cheers", "thanks", "thank you", "many thanks", "sincerely", "yours", "all the best", "take care"}},
	{"es", []string{"saludos", "un saludo", "muchos saludos", "saludos cordiales", "atentamente",
		"gracias", "muchas gracias", "mil gracias", "un abrazo", "abrazos", "cordialmente"}},
	{"fr", []string{"cordialement", "bien à vous", "bien cordialement", "merci", "merci beaucoup",
		"salutations", "amicalement", "bonne journée"}},
	{"de", []string{"viele grüße", "liebe grüße", "beste grüße", "mit freundlichen grüßen",
		"freundliche grüße", "grüße", "gruß", "lg", "vg", "mfg", "danke", "vielen dank"}},
	{"it", []string{"cordiali saluti", "distinti saluti", "saluti", "un saluto", "grazie", "grazie mille", "a presto"}},
	{"nl", []string{"met vriendelijke groet", "vriendelijke groet", "groeten", "groet", "mvg", "bedankt"}},
	{"pt", []string{"atenciosamente", "cumprimentos", "obrigado", "obrigada", "abraços", "um abraço", "saudações"}},
	{"pl", []string{"pozdrawiam", "z poważaniem", "serdecznie pozdrawiam", "dziękuję"}},
	{"sv", []string{"med vänliga hälsningar", "vänliga hälsningar", "hälsningar", "mvh", "tack"}},
	{"da/no", []string{"med venlig hilsen", "venlig hilsen", "med vennlig hilsen", "vennlig hilsen",
		"hilsen", "tak", "takk"}},
}

// Compiled once, at start-up.
var (
	introducerRe = compileIntroducers()
	bareIntroRe  = regexp.MustCompile(`(?i)^(?:-+\s*)?` + bareIntroducer + `$`)

	originalMessageRe = regexp.MustCompile(`(?i)^[*_\s]*-{2,}\s*(?:` + alternation(originalMessage) + `)\s*-{2,}[*_\s]*$`)
	forwardedRe       = regexp.MustCompile(`(?i)^[*_\s]*(?:-{2,}\s*(?:` + alternation(forwardedRule) + `)\s*-{2,}|(?:` +
		alternation(forwardedIntro) + `)\s*:)[*_\s]*$`)

	// A row drawn above a header block: dashes, underscores or box lines.
	ruleRe = regexp.MustCompile(`^[\s*]*(?:[-_=─━—]\s*){5,}[\s*]*$`)

	headerFields = headerFieldIndex()

	mobileSignatureRe = compileMobileSignatures()
	closingRe         = regexp.MustCompile(`(?i)^(?:` + closingAlternation() + `)(?:[\s,!.]*|[\s,!.]+\S+(?:\s+\S+){0,2})$`)

	emailRe = regexp.MustCompile(`[^\s<>()\[\]"',;:]+@[^\s<>()\[\]"',;:]+\.[^\s<>()\[\]"',;:]+`)
	timeRe  = regexp.MustCompile(`\d{1,2}[:.]\d{2}`)
	urlRe   = regexp.MustCompile(`(?i)(?:[a-z][a-z0-9+.-]*://|www\.)\S+`)

	// trackLinkRe is the requester's private page (see db.TicketTokenPrefix):
	// a line holding one never survives from quoted or attributed history.
	trackLinkRe = regexp.MustCompile(`(?i)/track/hdt_`)
)

// compileIntroducers joins the rows into one pattern: one pass over a
// candidate line instead of one per row.
func compileIntroducers() *regexp.Regexp {
	alts := make([]string, len(introducers))
	for i, in := range introducers {
		alts[i] = in.pattern
	}
	return regexp.MustCompile(`(?i)^(?:-+\s*)?(?:` + strings.Join(alts, "|") + `)$`)
}

func compileMobileSignatures() *regexp.Regexp {
	alts := make([]string, len(mobileSignatures))
	for i, s := range mobileSignatures {
		alts[i] = strings.ReplaceAll(s.pattern, "{device}", devices)
	}
	// Up to four more words after the device ("15 Pro Max", "on Android"),
	// but no comma: "Enviado desde mi correo personal, porque …" is prose.
	return regexp.MustCompile(`(?i)^[\s(\[<*_-]*(?:` + strings.Join(alts, "|") +
		`)[^\s,;]*(?:\s+[^\s,;]+){0,4}?[\s)\]>*_.!]*$`)
}

func alternation(words []string) string {
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = strings.ReplaceAll(regexp.QuoteMeta(w), " ", `\s+`)
	}
	return strings.Join(quoted, "|")
}

func headerFieldIndex() map[string]field {
	m := map[string]field{}
	for _, h := range headerNames {
		for _, n := range h.names {
			m[n] = h.field
		}
	}
	return m
}

func closingAlternation() string {
	var all []string
	for _, c := range closings {
		all = append(all, c.words...)
	}
	return alternation(all)
}
