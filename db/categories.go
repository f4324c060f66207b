package db

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Category classifies tickets. Retired categories stay on old tickets but
// are no longer offered or accepted for new ones.
type Category struct {
	ID       int64    `json:"id"`
	Name     string   `json:"name"`
	NameES   string   `json:"nameEs"`
	Aliases  []string `json:"aliases"`
	Position int      `json:"position"`
	Retired  bool     `json:"retired"`
}

// Label is the category's name in lang ("es" or anything else for English).
func (c Category) Label(lang string) string {
	if lang == "es" && c.NameES != "" {
		return c.NameES
	}
	return c.Name
}

// Categories lists every category, active ones first in position order.
// The list is cached until a category changes (lookup_cache.go).
func (d *DB) Categories(ctx context.Context) ([]Category, error) {
	cats, ok, gen := d.categories.all.get(struct{}{})
	if !ok {
		var err error
		if cats, err = d.listCategories(ctx); err != nil {
			return nil, err
		}
		d.categories.all.put(struct{}{}, cats, gen)
	}
	return cloneCategories(cats), nil
}

// categoriesByID maps every category's id to it, for naming the
// categories of listed tickets. The map is shared: read it, never change it.
func (d *DB) categoriesByID(ctx context.Context) (map[int64]Category, error) {
	m, ok, gen := d.categories.byID.get(struct{}{})
	if ok {
		return m, nil
	}
	cats, err := d.listCategories(ctx)
	if err != nil {
		return nil, err
	}
	m = make(map[int64]Category, len(cats))
	for _, c := range cats {
		m[c.ID] = c
	}
	d.categories.byID.put(struct{}{}, m, gen)
	return m, nil
}

func (d *DB) listCategories(ctx context.Context) ([]Category, error) {
	rows, err := d.read.QueryContext(ctx, `
		SELECT c.id, c.name, c.name_es, c.position, c.retired_at IS NOT NULL,
		       coalesce((SELECT string_agg(alias, ',') FROM category_aliases a WHERE a.category_id = c.id), '')
		FROM categories c
		ORDER BY c.retired_at IS NOT NULL, c.position, c.id`)
	if err != nil {
		return nil, fmt.Errorf("db: unable to list categories: %w", err)
	}
	defer rows.Close()
	var cats []Category
	for rows.Next() {
		var c Category
		var aliases string
		if err := rows.Scan(&c.ID, &c.Name, &c.NameES, &c.Position, &c.Retired, &aliases); err != nil {
			return nil, fmt.Errorf("db: unable to scan category: %w", err)
		}
		c.Aliases = []string{}
		if aliases != "" {
			c.Aliases = strings.Split(aliases, ",")
		}
		cats = append(cats, c)
	}
	return cats, rows.Err()
}

// findCategory resolves a name or alias, in any case, to a category.
func findCategory(ctx context.Context, q querier, name string) (Category, error) {
	var c Category
	err := q.QueryRowContext(ctx, `
		SELECT id, name, name_es, retired_at IS NOT NULL FROM categories
		WHERE name = ?1 COLLATE NOCASE
		   OR id = (SELECT category_id FROM category_aliases WHERE alias = ?1 COLLATE NOCASE)
		LIMIT 1`, strings.TrimSpace(name)).Scan(&c.ID, &c.Name, &c.NameES, &c.Retired)
	if err == sql.ErrNoRows {
		return c, Errorf(ENOTFOUND, "no category %q", name)
	}
	if err != nil {
		return c, fmt.Errorf("db: unable to find category: %w", err)
	}
	return c, nil
}

// FindCategory resolves a category name or alias in any case. Answers,
// "not found" included, are cached by the exact text until a category
// changes (lookup_cache.go): every create resolves one (measured: 4–5 % of
// a create's CPU).
func (d *DB) FindCategory(ctx context.Context, name string) (Category, error) {
	a, ok, gen := d.categories.byName.get(name)
	if ok {
		return a.c, a.err
	}
	c, err := findCategory(ctx, d.read, name)
	if err == nil || ErrorCode(err) == ENOTFOUND {
		d.categories.byName.put(name, categoryAnswer{c, err}, gen)
	}
	return c, err
}

// querier is what *sql.DB and *sql.Tx share, so lookups run in either.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}
