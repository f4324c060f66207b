package i18n

// Files hosted elsewhere, and the storage-full refusal.
func init() {
	addStrings(map[string][2]string{
		"external.title": {"This file is on another site", "Este archivo está en otro sitio"},
		"external.text":  {"“%s” is not kept by Kinconecta Help: it is hosted at %s, a site we do not control. Open it only if you trust that site.", "Ayuda Kinconecta no guarda «%s»: está alojado en %s, un sitio que no controlamos. Ábrelo solo si confías en ese sitio."},
		"external.open":  {"Open it on %s", "Abrirlo en %s"},
		"external.back":  {"Back to the ticket", "Volver al ticket"},

		"error.507.title": {"We're out of storage space", "Nos hemos quedado sin espacio"},
		"error.507.text":  {"Our storage is full, so nothing you sent was stored. Please try again later.", "Nuestro almacenamiento está lleno, así que no se ha guardado nada de lo que enviaste. Inténtalo de nuevo más tarde."},
		"error.503.title": {"We're busy right now", "Ahora mismo estamos muy ocupados"},
		"error.503.text":  {"We couldn't open that just now. Please try again in a few seconds.", "No pudimos abrir eso ahora mismo. Inténtalo de nuevo en unos segundos."},
	})
}
