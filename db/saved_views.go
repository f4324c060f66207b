package db

import (
	"context"
	"database/sql"
	"fmt"
)

// Saved view limits: a name fits the side bar; a query is a queue
// address's filters (the search text is at most 200 bytes); an agent keeps
// a short list, not an archive.
const (
	MaxViewNameLen  = 60
	MaxViewQueryLen = 1000
	MaxViewsAnOwner = 50
)

// SavedView is a queue filter set saved under a name (CONTRACT §6
// "Views"). Query is the queue address's query string, without cursor or
// page size.
type SavedView struct {
	ID        int64
	OwnerID   int64
	OwnerName string
	Name      string
	Query     string
	Shared    bool
	CreatedAt Time
}

// ViewEditor is who changes a saved view: the owner may rename and delete
// theirs; an admin may also delete (not rename) a shared view.
type ViewEditor struct {
	UserID int64
	Admin  bool
}

// SavedViews lists the views userID sees: their own (personal or shared)
// and the others' shared ones, personal first, then by name.
func (d *DB) SavedViews(ctx context.Context, userID int64) ([]SavedView, error) {
	rows, err := d.read.QueryContext(ctx, `
		SELECT v.id, v.owner_id, coalesce(u.name, ''), v.name, v.query, v.shared, v.created_at
		FROM saved_views v LEFT JOIN users u ON u.id = v.owner_id
		WHERE v.owner_id = ?1 OR v.shared = TRUE
		ORDER BY v.shared, v.name COLLATE NOCASE, v.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("db: unable to list saved views: %w", err)
	}
	defer rows.Close()
	views := []SavedView{}
	for rows.Next() {
		var v SavedView
		if err := rows.Scan(&v.ID, &v.OwnerID, &v.OwnerName, &v.Name, &v.Query, &v.Shared, &v.CreatedAt); err != nil {
			return nil, fmt.Errorf("db: unable to scan saved view: %w", err)
		}
		views = append(views, v)
	}
	return views, rows.Err()
}

// SaveView stores a new view owned by ownerID. The name is 1–60 characters
// and unique among the views the owner sees (ECONFLICT on field "name"
// otherwise, so the side bar never shows two of one name); query must
// not be empty (an empty view is "All tickets", which exists already).
func (d *DB) SaveView(ctx context.Context, ownerID int64, name, query string, shared bool) (SavedView, error) {
	var v Invalid
	name, _ = v.text("name", name, MaxViewNameLen, true)
	switch {
	case query == "":
		v.Add("query", "is required")
	case len(query) > MaxViewQueryLen:
		v.Add("query", fmt.Sprintf("must be at most %d bytes", MaxViewQueryLen))
	}
	if err := v.Err(); err != nil {
		return SavedView{}, err
	}
	view := SavedView{OwnerID: ownerID, Name: name, Query: query, Shared: shared, CreatedAt: Time{d.now()}}
	err := d.write(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRow(`SELECT count(*) FROM saved_views WHERE owner_id = ?`, ownerID).Scan(&n); err != nil {
			return fmt.Errorf("db: unable to count saved views: %w", err)
		}
		if n >= MaxViewsAnOwner {
			return &Error{Code: ECONFLICT, Message: fmt.Sprintf("at most %d saved views an agent", MaxViewsAnOwner),
				Fields: []FieldError{{Field: "name", Message: fmt.Sprintf("at most %d saved views an agent", MaxViewsAnOwner)}}}
		}
		if err := viewNameFree(tx, ownerID, name, 0); err != nil {
			return err
		}
		return tx.QueryRow(`INSERT INTO saved_views (owner_id, name, query, shared, created_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`, ownerID, name, query, shared, view.CreatedAt).Scan(&view.ID)
	})
	return view, err
}

// viewNameFree refuses a name another view the owner sees already has
// (except view except, the one being renamed).
func viewNameFree(tx *Tx, ownerID int64, name string, except int64) error {
	var taken int
	err := tx.QueryRow(`SELECT count(*) FROM saved_views
		WHERE (owner_id = ? OR shared = TRUE) AND name = ? COLLATE NOCASE AND id <> ?`, ownerID, name, except).Scan(&taken)
	if err != nil {
		return fmt.Errorf("db: unable to check view name: %w", err)
	}
	if taken > 0 {
		return &Error{Code: ECONFLICT, Message: "that name is already in use",
			Fields: []FieldError{{Field: "name", Message: "is already in use"}}}
	}
	return nil
}

// findView reads a view the editor may see: ENOTFOUND for another's
// personal view, as for one that does not exist.
func findView(tx *Tx, id, userID int64) (SavedView, error) {
	var v SavedView
	err := tx.QueryRow(`SELECT id, owner_id, name, query, shared FROM saved_views
		WHERE id = ? AND (owner_id = ? OR shared = TRUE)`, id, userID).Scan(&v.ID, &v.OwnerID, &v.Name, &v.Query, &v.Shared)
	if err == sql.ErrNoRows {
		return v, Errorf(ENOTFOUND, "saved view %d not found", id)
	}
	if err != nil {
		return v, fmt.Errorf("db: unable to read saved view: %w", err)
	}
	return v, nil
}

// RenameView renames a view; only its owner may (EFORBIDDEN otherwise).
func (d *DB) RenameView(ctx context.Context, id int64, name string, by ViewEditor) error {
	var v Invalid
	name, _ = v.text("name", name, MaxViewNameLen, true)
	if err := v.Err(); err != nil {
		return err
	}
	return d.write(ctx, func(tx *Tx) error {
		view, err := findView(tx, id, by.UserID)
		if err != nil {
			return err
		}
		if view.OwnerID != by.UserID {
			return Errorf(EFORBIDDEN, "only the owner renames a saved view")
		}
		if err := viewNameFree(tx, by.UserID, name, id); err != nil {
			return err
		}
		_, err = tx.Exec(`UPDATE saved_views SET name = ? WHERE id = ?`, name, id)
		return err
	})
}

// DeleteView deletes a view: its owner may, and an admin may delete a
// shared one (EFORBIDDEN otherwise).
func (d *DB) DeleteView(ctx context.Context, id int64, by ViewEditor) error {
	return d.write(ctx, func(tx *Tx) error {
		view, err := findView(tx, id, by.UserID)
		if err != nil {
			return err
		}
		if view.OwnerID != by.UserID && !(by.Admin && view.Shared) {
			return Errorf(EFORBIDDEN, "only the owner, or an admin for a shared view, deletes a saved view")
		}
		_, err = tx.Exec(`DELETE FROM saved_views WHERE id = ?`, id)
		return err
	})
}
