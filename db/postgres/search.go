package postgres

// Full-text search runs on ticket_search (migrations/001_init.sql): one
// tsvector per ticket over its subject, message, requester and every
// message of its conversation, kept by triggers, in the helpdesk_search
// configuration (unaccent, then simple: no stemming, so Spanish and English
// match alike, as the embedded engine's unicode61 tokenizer does), with a
// GIN index. The query text, bound once, is the FROM clause's first item.
const (
	SearchFrom = `to_tsquery('helpdesk_search', ?) AS q
		JOIN ticket_search f ON f.document @@ q
		JOIN tickets t ON t.id = f.ticket_id`
	SearchCountFrom = `to_tsquery('helpdesk_search', ?) AS q JOIN ticket_search f ON f.document @@ q`
	SearchID        = `f.ticket_id`
	// Four passages: the message, the conversation, the name and the
	// email, matched words between chr(2) and chr(3) (db.SnippetStart,
	// db.SnippetEnd).
	SearchSnippets = `ts_headline('helpdesk_search', t.message, q, ` + headline32 + `),
		ts_headline('helpdesk_search', coalesce((SELECT string_agg(m.body, chr(10) ORDER BY m.id) FROM messages m WHERE m.ticket_id = t.id), ''), q, ` + headline32 + `),
		ts_headline('helpdesk_search', t.full_name, q, ` + headline8 + `),
		ts_headline('helpdesk_search', t.email, q, ` + headline8 + `)`
	headline32 = `'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=32, MinWords=16'`
	headline8  = `'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=8, MinWords=4'`
)
