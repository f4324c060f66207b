package db

import (
	"context"
	"fmt"
	"strings"
)

// The order of categories is the order of the support form's list and of
// the desk's filter: position, then id. Admins move a category up or
// down; a new one goes just before the catch-all ("Other" in English,
// "Otro"/"Otros" in Spanish) when there is one, else at the end, so that
// "Other" stays last unless an admin puts it elsewhere.

// isCatchAll reports whether a category is the catch-all "Other".
func isCatchAll(name, nameES string) bool {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "other", "others":
		return true
	}
	switch strings.ToLower(strings.TrimSpace(nameES)) {
	case "otro", "otros", "otra", "otras":
		return true
	}
	return false
}

// newCategoryPosition is where AddCategory puts a new category: the
// position of the first active catch-all, whose place and everything
// after it move down by one; else one past the last.
func newCategoryPosition(tx *Tx) (int, error) {
	rows, err := tx.Query(`SELECT name, name_es, position FROM categories
		WHERE retired_at IS NULL ORDER BY position, id`)
	if err != nil {
		return 0, fmt.Errorf("db: unable to read categories: %w", err)
	}
	at := -1
	for rows.Next() {
		var name, nameES string
		var pos int
		if err := rows.Scan(&name, &nameES, &pos); err != nil {
			rows.Close()
			return 0, fmt.Errorf("db: unable to scan category: %w", err)
		}
		if at < 0 && isCatchAll(name, nameES) {
			at = pos
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if at < 0 {
		var last int
		if err := tx.QueryRow(`SELECT coalesce(max(position), 0) FROM categories`).Scan(&last); err != nil {
			return 0, fmt.Errorf("db: unable to read positions: %w", err)
		}
		return last + 1, nil
	}
	if _, err := tx.Exec(`UPDATE categories SET position = position + 1 WHERE position >= ?`, at); err != nil {
		return 0, fmt.Errorf("db: unable to shift categories: %w", err)
	}
	return at, nil
}

// MoveCategory moves a category one place up (by = -1) or down (by = 1)
// among the categories of its kind (active or retired, as the settings
// list shows them), renumbering positions 1..n so that ties left by older
// data cannot make a move do nothing. Moving the first up or the last
// down changes nothing; an unknown id is ENOTFOUND.
func (d *DB) MoveCategory(ctx context.Context, id int64, by int) error {
	if by != -1 && by != 1 {
		return Errorf(EINVALID, "a category moves by -1 or 1")
	}
	return d.write(ctx, func(tx *Tx) error {
		rows, err := tx.Query(`SELECT id, retired_at IS NOT NULL FROM categories ORDER BY retired_at IS NOT NULL, position, id`)
		if err != nil {
			return fmt.Errorf("db: unable to read categories: %w", err)
		}
		var ids []int64
		retired := map[int64]bool{}
		for rows.Next() {
			var cid int64
			var r bool
			if err := rows.Scan(&cid, &r); err != nil {
				rows.Close()
				return fmt.Errorf("db: unable to scan category: %w", err)
			}
			ids, retired[cid] = append(ids, cid), r
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		i := -1
		for j, cid := range ids {
			if cid == id {
				i = j
			}
		}
		if i < 0 {
			return Errorf(ENOTFOUND, "category %d not found", id)
		}
		if j := i + by; j >= 0 && j < len(ids) && retired[ids[j]] == retired[id] {
			ids[i], ids[j] = ids[j], ids[i]
		}
		for pos, cid := range ids {
			if _, err := tx.Exec(`UPDATE categories SET position = ? WHERE id = ? AND position <> ?`, pos+1, cid, pos+1); err != nil {
				return fmt.Errorf("db: unable to order categories: %w", err)
			}
		}
		return nil
	})
}
