package postgres

// FoldTicketCounts moves the ticket counts of writing sessions that have
// ended into writer 0 (migrations/001_init.sql, ticket_counts), so the
// rows a reader sums stay a few per status.
const FoldTicketCounts = `WITH gone AS (
		DELETE FROM ticket_counts
		WHERE writer <> 0 AND writer NOT IN (SELECT pid FROM pg_stat_activity)
		RETURNING status, n)
	INSERT INTO ticket_counts (status, writer, n)
	SELECT status, 0, sum(n) FROM gone GROUP BY status
	ON CONFLICT (status, writer) DO UPDATE SET n = ticket_counts.n + excluded.n`
