package db

import (
	"context"
	"fmt"
	"strings"
)

// CategoryInput is a category as an admin edits it.
type CategoryInput struct {
	Name    string
	NameES  string
	Aliases []string
}

func (d *DB) validateCategory(in CategoryInput) (CategoryInput, error) {
	var v Invalid
	in.Name, _ = v.text("name", in.Name, 80, true)
	in.NameES, _ = v.text("nameEs", in.NameES, 80, true)
	var aliases []string
	for _, a := range in.Aliases {
		a = strings.ToUpper(strings.TrimSpace(a))
		if a == "" {
			continue
		}
		if len(a) > 60 || strings.ContainsAny(a, ", \t\r\n\x00") {
			v.Add("aliases", "each alias is one word of at most 60 characters")
			break
		}
		aliases = append(aliases, a)
	}
	in.Aliases = aliases
	return in, v.Err()
}

// uniqueViolation turns a UNIQUE failure into a field conflict.
func uniqueViolation(err error, field, what string) error {
	if isUniqueViolation(err) {
		return &Error{Code: ECONFLICT, Message: what + " is already in use",
			Fields: []FieldError{{Field: field, Message: "is already in use"}}}
	}
	return err
}

// AddCategory creates a category just before the catch-all "Other" (see
// newCategoryPosition), or at the end of the list when there is none.
func (d *DB) AddCategory(ctx context.Context, in CategoryInput) (Category, error) {
	in, err := d.validateCategory(in)
	if err != nil {
		return Category{}, err
	}
	c := Category{Name: in.Name, NameES: in.NameES, Aliases: in.Aliases}
	err = d.write(ctx, func(tx *Tx) error {
		pos, err := newCategoryPosition(tx)
		if err != nil {
			return err
		}
		err = tx.QueryRow(`INSERT INTO categories (name, name_es, position)
			VALUES (?, ?, ?) RETURNING id, position`, in.Name, in.NameES, pos).Scan(&c.ID, &c.Position)
		if err != nil {
			return uniqueViolation(err, "name", "that name")
		}
		return setAliases(tx, c.ID, in.Aliases)
	})
	return c, err
}

// UpdateCategory renames a category and replaces its Spanish label and
// aliases. Tickets keep pointing at it, so they show the new name.
func (d *DB) UpdateCategory(ctx context.Context, id int64, in CategoryInput) error {
	in, err := d.validateCategory(in)
	if err != nil {
		return err
	}
	return d.write(ctx, func(tx *Tx) error {
		res, err := tx.Exec(`UPDATE categories SET name = ?, name_es = ? WHERE id = ?`, in.Name, in.NameES, id)
		if err != nil {
			return uniqueViolation(err, "name", "that name")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return Errorf(ENOTFOUND, "category %d not found", id)
		}
		if _, err := tx.Exec(`DELETE FROM category_aliases WHERE category_id = ?`, id); err != nil {
			return fmt.Errorf("db: unable to clear aliases: %w", err)
		}
		return setAliases(tx, id, in.Aliases)
	})
}

func setAliases(tx *Tx, id int64, aliases []string) error {
	for _, a := range aliases {
		if _, err := tx.Exec(`INSERT INTO category_aliases (alias, category_id) VALUES (?, ?)`, a, id); err != nil {
			return uniqueViolation(err, "aliases", "alias "+a)
		}
	}
	return nil
}

// RetireCategory takes a category off the form and out of new tickets (or
// brings it back); tickets that have it keep it.
func (d *DB) RetireCategory(ctx context.Context, id int64, retired bool) error {
	return d.write(ctx, func(tx *Tx) error {
		var at any
		if retired {
			at = Time{d.now()}
			var active int
			if err := tx.QueryRow(`SELECT count(*) FROM categories WHERE retired_at IS NULL AND id <> ?`, id).Scan(&active); err != nil {
				return err
			}
			if active == 0 {
				return Errorf(ECONFLICT, "the last active category cannot be retired")
			}
		}
		res, err := tx.Exec(`UPDATE categories SET retired_at = ? WHERE id = ?`, at, id)
		if err != nil {
			return fmt.Errorf("db: unable to retire category: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return Errorf(ENOTFOUND, "category %d not found", id)
		}
		return nil
	})
}
