package db

import "testing"

func TestBindDollar(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`SELECT 1`, `SELECT 1`},
		{`SELECT ? , ?`, `SELECT $1 , $2`},
		{`WHERE a = ?1 OR b = ?2 AND c = ?1`, `WHERE a = $1 OR b = $2 AND c = $1`},
		{`WHERE a = '?' AND b = ?`, `WHERE a = '?' AND b = $1`},
		{`WHERE a = 'it''s ?' AND "we?ird" = ?`, `WHERE a = 'it''s ?' AND "we?ird" = $1`},
		{"-- what?\nSELECT ?", "-- what?\nSELECT $1"},
		{`VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, `VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`},
		{`x = 'unterminated ?`, `x = 'unterminated ?`},
	} {
		if got := bindDollar(c.in); got != c.want {
			t.Errorf("bindDollar(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
