package reply

import "testing"

// The lines phones and mail apps add go, in every language we know; the
// person's sentences that start alike stay.
func TestMobileSignatures(t *testing.T) {
	for _, tc := range []struct {
		name, line string
		removed    bool
	}{
		{"iPhone", "Sent from my iPhone", true},
		{"iPhoneModel", "Sent from my iPhone 15 Pro Max", true},
		{"iPad", "Sent from my iPad", true},
		{"MailForWindows", "Sent from Mail for Windows", true},
		{"MailForWindows10", "Sent from Mail for Windows 10", true},
		{"BlackBerry", "Sent from my BlackBerry 10 smartphone.", true},
		{"Samsung", "Sent from my Samsung Galaxy smartphone.", true},
		{"Android", "Sent from my Android phone", true},
		{"YahooAndroid", "Sent from Yahoo Mail on Android", true},
		{"Proton", "Sent with Proton Mail secure email.", true},
		{"OutlookIOS", "Get Outlook for iOS", true},
		{"OutlookAndroid", "Get Outlook for Android", true},
		{"OutlookIOSLink", "Get Outlook for iOS<https://aka.ms/o0ukef>", true},
		{"EsIPhone", "Enviado desde mi iPhone", true},
		{"EsSamsung", "Enviado desde mi smartphone Samsung Galaxy.", true},
		{"EsOutlook", "Enviado desde Outlook para Android", true},
		{"EsObtenerOutlook", "Obtener Outlook para iOS", true},
		{"EsCorreoWindows", "Enviado desde Correo para Windows", true},
		{"FrIPhone", "Envoyé de mon iPhone", true},
		{"FrDepuis", "Envoyé depuis mon appareil Galaxy", true},
		{"FrCourrier", "Envoyé à partir de Courrier pour Windows", true},
		{"DeIPhone", "Von meinem iPhone gesendet", true},
		{"DeSamsung", "Von meinem Samsung Galaxy Smartphone gesendet.", true},
		{"DeGesendetVon", "Gesendet von meinem iPad", true},
		{"ItIPhone", "Inviato da iPhone", true},
		{"ItDalMio", "Inviato dal mio dispositivo Galaxy", true},
		{"NlIPhone", "Verzonden vanaf mijn iPhone", true},
		{"NlVerstuurd", "Verstuurd vanaf mijn iPhone", true},
		{"NlMail", "Verzonden met Mail voor Windows 10", true},
		{"PtIPhone", "Enviado do meu iPhone", true},
		{"PtAndroid", "Enviado do meu celular Android", true},
		{"PlIPhone", "Wysłane z iPhone'a", true},
		{"SvIPhone", "Skickat från min iPhone", true},
		{"DaIPhone", "Sendt fra min iPhone", true},
		{"NoIPad", "Sendt fra min iPad", true},
		{"Bracketed", "(Sent from my phone)", true},
		{"HotelRoom", "Sent from my hotel room, sorry for the typos", false},
		{"Prose", "Enviado desde mi correo personal, porque el otro no funciona", false},
		{"Airport", "Sent from the airport before boarding.", false},
		{"Sentence", "I sent it from my iPhone yesterday but it bounced", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := "Gracias, nos vemos el viernes.\n\n" + tc.line + "\n"
			want := "Gracias, nos vemos el viernes."
			if !tc.removed {
				want += "\n\n" + tc.line
			}
			if got := Text(in); got != want {
				t.Fatalf("Text(%q) = %q, want %q", in, got, want)
			}
		})
	}
}

func TestSignatureRules(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"Delimiter", "Thanks.\n-- \nAna Martínez\n+52 55 1234 5678\n", "Thanks."},
		{"DelimiterLongCard", "Thanks.\n\n-- \nAna Martínez\nGuía certificada\nKinconecta Tours\nAv. Reforma 222, Col. Juárez\nCiudad de México\n+52 55 1234 5678\nana@example.com\nhttps://kinconecta.example\n", "Thanks."},
		{"DelimiterAboveTooMuch", "Thanks.\n-- \n" + repeatLines("A line of text.", 16) + "After.", "Thanks.\n--\n" + repeatLines("A line of text.", 16) + "After."},
		{"BareDelimiterCard", "Thanks.\n--\nAna Martínez\n+52 55 1234 5678\n", "Thanks."},
		{"BareDelimiterProse", "Two questions:\n--\nCan I bring my dog?\n--\nIs lunch included?\n", "Two questions:\n--\nCan I bring my dog?\n--\nIs lunch included?"},
		{"BareDelimiterOnlyLine", "Thanks\n--\n", "Thanks"},
		{"ContactAfterClosing", "See you then.\n\nRegards,\nAna Martínez\nMobile: +52 55 1234 5678\n", "See you then.\n\nRegards,"},
		{"ContactAfterClosingBlank", "See you then.\n\nUn saludo\n\nAna\nWhatsApp +52 1 998 123 4567\n", "See you then.\n\nUn saludo"},
		{"ClosingWithName", "See you then.\n\nSaludos, Ana\n+52 55 1234 5678\n", "See you then.\n\nSaludos, Ana"},
		{"ContactWithoutPhoneKept", "See you then.\n\nRegards,\nAna Martínez\n", "See you then.\n\nRegards,\nAna Martínez"},
		{"PhoneWithoutClosingKept", "Call the driver:\n\nCarlos\n+52 998 765 4321\n", "Call the driver:\n\nCarlos\n+52 998 765 4321"},
		{"PhoneAloneKept", "+52 998 765 4321\n", "+52 998 765 4321"},
		{"OnlySignature", "-- \nAna\n", ""},
		{"OnlyPhoneLine", "Sent from my iPhone\n", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Text(tc.in); got != tc.want {
				t.Fatalf("Text(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func repeatLines(line string, n int) string {
	s := ""
	for range n {
		s += line + "\n"
	}
	return s
}
