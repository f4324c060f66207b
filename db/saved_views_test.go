package db

import (
	"testing"
)

// Saved views (CONTRACT §6): personal ones only their owner sees, shared
// ones everyone; the owner renames and deletes theirs, an admin may delete
// a shared one, nobody else may touch them.
func TestSavedViews(t *testing.T) {
	d := mustOpen(t)
	ctx := t.Context()
	mk := func(email, role string) User {
		u, err := d.CreateUser(ctx, NewUser{Email: email, Name: email[:3], Role: role, Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	ana, bea, admin := mk("ana@kinconecta.com", RoleAgent), mk("bea@kinconecta.com", RoleAgent), mk("adm@kinconecta.com", RoleAdmin)
	mine, err := d.SaveView(ctx, ana.ID, "  My refunds ", "tag=refund", false)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := mine.Name, "My refunds"; got != want {
		t.Errorf("name %q, want trimmed %q", got, want)
	}
	shared, err := d.SaveView(ctx, ana.ID, "Urgent", "priority=urgent", true)
	if err != nil {
		t.Fatal(err)
	}
	names := func(u User) []string {
		vs, err := d.SavedViews(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, v := range vs {
			out = append(out, v.Name)
		}
		return out
	}
	if got := names(ana); len(got) != 2 || got[0] != "My refunds" || got[1] != "Urgent" {
		t.Errorf("ana sees %q, want her personal view then the shared one", got)
	}
	if got := names(bea); len(got) != 1 || got[0] != "Urgent" {
		t.Errorf("bea sees %q, want only the shared view", got)
	}

	bad := []struct {
		name, view, query string
		code              string
	}{
		{"ErrNameRequired", " ", "q=x", EINVALID},
		{"ErrNameTooLong", string(make([]byte, 61)) + "x", "q=x", EINVALID},
		{"ErrQueryRequired", "Empty", "", EINVALID},
		{"ErrNameTaken", "urgent", "q=x", ECONFLICT},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := d.SaveView(ctx, bea.ID, tc.view, tc.query, false); ErrorCode(err) != tc.code {
				t.Fatalf("SaveView = %v, want %s", err, tc.code)
			}
		})
	}

	t.Run("ErrRenameOthers", func(t *testing.T) {
		if err := d.RenameView(ctx, shared.ID, "Mine now", ViewEditor{UserID: bea.ID}); ErrorCode(err) != EFORBIDDEN {
			t.Fatalf("bea renames ana's shared view: %v, want forbidden", err)
		}
		if err := d.RenameView(ctx, mine.ID, "Seen", ViewEditor{UserID: bea.ID}); ErrorCode(err) != ENOTFOUND {
			t.Fatalf("bea renames ana's personal view: %v, want not found", err)
		}
	})
	t.Run("ErrDeleteOthers", func(t *testing.T) {
		if err := d.DeleteView(ctx, shared.ID, ViewEditor{UserID: bea.ID}); ErrorCode(err) != EFORBIDDEN {
			t.Fatalf("bea deletes ana's shared view: %v, want forbidden", err)
		}
		if err := d.DeleteView(ctx, mine.ID, ViewEditor{UserID: admin.ID, Admin: true}); ErrorCode(err) != ENOTFOUND {
			t.Fatalf("an admin deletes ana's personal view: %v, want not found", err)
		}
	})
	t.Run("OwnerRenames", func(t *testing.T) {
		if err := d.RenameView(ctx, mine.ID, "Refunds", ViewEditor{UserID: ana.ID}); err != nil {
			t.Fatal(err)
		}
		if got := names(ana); got[0] != "Refunds" {
			t.Fatalf("after rename ana sees %q", got)
		}
	})
	t.Run("AdminDeletesShared", func(t *testing.T) {
		if err := d.DeleteView(ctx, shared.ID, ViewEditor{UserID: admin.ID, Admin: true}); err != nil {
			t.Fatal(err)
		}
		if got := names(bea); len(got) != 0 {
			t.Fatalf("after delete bea sees %q", got)
		}
	})
}

// New categories go before "Other"; moving one changes the order every
// list uses.
func TestCategoryOrder(t *testing.T) {
	d := mustOpen(t)
	ctx := t.Context()
	order := func() []string {
		cats, err := d.Categories(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range cats {
			out = append(out, c.Name)
		}
		return out
	}
	added, err := d.AddCategory(ctx, CategoryInput{Name: "Partnerships", NameES: "Alianzas"})
	if err != nil {
		t.Fatal(err)
	}
	got := order()
	if n := len(got); got[n-1] != "Other" || got[n-2] != "Partnerships" {
		t.Fatalf("order after add %q, want Partnerships just before Other", got)
	}
	other := int64(7)
	if err := d.MoveCategory(ctx, other, -1); err != nil {
		t.Fatal(err)
	}
	got = order()
	if n := len(got); got[n-1] != "Partnerships" || got[n-2] != "Other" {
		t.Fatalf("order after moving Other up %q", got)
	}
	if err := d.MoveCategory(ctx, added.ID, 1); err != nil { // already last: nothing moves
		t.Fatal(err)
	}
	if again := order(); again[len(again)-1] != "Partnerships" {
		t.Fatalf("moving the last down changed the order: %q", again)
	}
	if err := d.MoveCategory(ctx, 9999, 1); ErrorCode(err) != ENOTFOUND {
		t.Fatalf("unknown category: %v, want not found", err)
	}
	// With Other no longer last, a new category still goes before it.
	if _, err := d.AddCategory(ctx, CategoryInput{Name: "Press", NameES: "Prensa"}); err != nil {
		t.Fatal(err)
	}
	got = order()
	if n := len(got); got[n-3] != "Press" || got[n-2] != "Other" {
		t.Fatalf("order after second add %q, want Press before Other", got)
	}
}
