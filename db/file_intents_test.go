package db

import (
	"slices"
	"testing"
	"time"
)

// The file journal names only this helpdesk's leftovers: a noted file
// whose row committed is forgotten, one whose row never came is stale
// after the grace period, and a deleted row's file is due at once.
func TestFileIntents(t *testing.T) {
	d := mustOpen(t)
	clock := newFakeClock(d)
	ctx := t.Context()
	tk := mustTicket(t, d, "Files", "With a screenshot.")
	for _, n := range []string{"kept", "crashed", "deleted"} {
		if err := d.NoteFileIntent(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	atts, err := d.AddAttachments(ctx, tk.ID, []NewAttachment{
		{FileName: "a.png", MimeType: "image/png", FileSize: 5, StorageName: "kept"},
		{FileName: "b.png", MimeType: "image/png", FileSize: 5, StorageName: "deleted"},
	}, 20)
	if err != nil {
		t.Fatal(err)
	}
	if stale, err := d.StaleFileIntents(ctx); err != nil || len(stale) != 0 {
		t.Fatalf("stale before the grace period: %v, %v; want none", stale, err)
	}
	if _, err := d.DeleteAttachment(ctx, tk.ID, atts[1].ID); err != nil {
		t.Fatal(err)
	}
	if stale, err := d.StaleFileIntents(ctx); err != nil || !slices.Equal(stale, []string{"deleted"}) {
		t.Fatalf("stale after a delete: %v, %v; want [deleted]", stale, err)
	}
	clock.add(FileIntentGrace + time.Minute)
	stale, err := d.StaleFileIntents(ctx)
	slices.Sort(stale)
	if err != nil || !slices.Equal(stale, []string{"crashed", "deleted"}) {
		t.Fatalf("stale after the grace period: %v, %v; want [crashed deleted] (never kept)", stale, err)
	}
	if err := d.ForgetFileIntents(ctx, stale); err != nil {
		t.Fatal(err)
	}
	if stale, err := d.StaleFileIntents(ctx); err != nil || len(stale) != 0 {
		t.Fatalf("stale after forgetting: %v, %v; want none", stale, err)
	}
}
