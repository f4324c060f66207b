package i18n

// The reports page (/agent/reports): its charts, their descriptions and
// the tables that carry the same numbers.
func init() {
	addStrings(map[string][2]string{
		"reports.title": {"Reports", "Informes"},
		"reports.lead":  {"The last %s days of the helpdesk, as of %s.", "Los últimos %s días del servicio de ayuda, a fecha de %s."},

		"reports.created.title": {"Tickets created per day", "Tickets creados por día"},
		"reports.created.desc":  {"A stacked bar for each of the last %s days, split by the status the tickets have now: %s tickets in all, at most %s on one day.", "Una barra apilada por cada uno de los últimos %s días, dividida según el estado actual de los tickets: %s tickets en total, como máximo %s en un día."},

		"reports.open.title": {"Open tickets by category", "Tickets abiertos por categoría"},
		"reports.open.desc":  {"Tickets received, open or in progress in each category: %s in all.", "Tickets recibidos, abiertos o en curso de cada categoría: %s en total."},
		"reports.open.none":  {"There are no open tickets.", "No hay tickets abiertos."},

		"reports.times.title": {"Response times", "Tiempos de respuesta"},
		"reports.times.lead":  {"Over the tickets created in the period.", "Sobre los tickets creados en el periodo."},
		"reports.firstReply":  {"Median time to first response", "Mediana del tiempo hasta la primera respuesta"},
		"reports.resolution":  {"Median time to resolution", "Mediana del tiempo hasta la resolución"},
		"reports.over.one":    {"over 1 ticket", "sobre 1 ticket"},
		"reports.over":        {"over %s tickets", "sobre %s tickets"},
		"reports.noData":      {"No data yet", "Aún sin datos"},

		"reports.legend":      {"Statuses", "Estados"},
		"reports.table":       {"Show the numbers as a table", "Ver los números en una tabla"},
		"reports.col.day":     {"Day", "Día"},
		"reports.col.total":   {"Total", "Total"},
		"reports.col.cat":     {"Category", "Categoría"},
		"reports.col.open":    {"Open tickets", "Tickets abiertos"},
		"reports.dur.under":   {"under a minute", "menos de un minuto"},
		"reports.dur.minutes": {"%s min", "%s min"},
		"reports.dur.hours":   {"%s h %s min", "%s h %s min"},
		"reports.dur.days":    {"%s d %s h", "%s d %s h"},
	})
}
