package main

import (
	"testing"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/filestore"
)

// A data folder's start-up sweep goes by rows, and drops the journal the
// store keeps of deleted files for a bucket's sweep: otherwise it would
// grow by a row for every file ever deleted.
func TestLocalSweepDropsFileJournal(t *testing.T) {
	dir := t.TempDir()
	store, err := db.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	local, err := filestore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	tk, _, err := store.CreateTicket(ctx, db.NewTicket{RoleContext: "tourist", FullName: "Ana", Email: "ana@example.com",
		Subject: "A file", Category: "Booking", Message: "See the screenshot."}, db.Actor{Type: "requester", Name: "Ana"})
	if err != nil {
		t.Fatal(err)
	}
	atts, err := store.AddAttachments(ctx, tk.ID, []db.NewAttachment{
		{FileName: "a.png", MimeType: "image/png", FileSize: 5, StorageName: "0123456789abcdef0123456789abcdef"}}, 20)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.DeleteAttachment(ctx, tk.ID, atts[0].ID); err != nil {
		t.Fatal(err)
	}
	if stale, err := store.StaleFileIntents(ctx); err != nil || len(stale) != 1 {
		t.Fatalf("journal after a delete: %v, %v; want the deleted file", stale, err)
	}
	if err := sweepOrphans(store, local); err != nil {
		t.Fatal(err)
	}
	if stale, err := store.StaleFileIntents(ctx); err != nil || len(stale) != 0 {
		t.Fatalf("journal after a data folder's sweep: %v, %v; want none", stale, err)
	}
}
