package db

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// Attachment is a file on a ticket: stored under the data directory, or a
// reference to a file hosted elsewhere.
type Attachment struct {
	ID         int64  `json:"id"`
	TicketID   int64  `json:"ticketId"`
	MessageID  *int64 `json:"messageId,omitempty"`
	FileName   string `json:"fileName"`
	FileURL    string `json:"fileUrl"`
	MimeType   string `json:"mimeType"`
	FileSize   int64  `json:"fileSize"`
	UploadedAt Time   `json:"uploadedAt"`

	// StorageName is the file's random name on disk; empty for references.
	StorageName string `json:"-"`
}

// NewAttachment is a file to record: either already on disk under
// StorageName, or a reference to ExternalURL.
type NewAttachment struct {
	FileName    string
	MimeType    string
	FileSize    int64
	StorageName string
	ExternalURL string
}

// AttachmentURL is where the API serves a stored attachment's bytes.
func AttachmentURL(ticketID, id int64) string {
	return "/api/support-tickets/" + strconv.FormatInt(ticketID, 10) + "/attachments/" + strconv.FormatInt(id, 10)
}

func insertAttachment(tx *Tx, ticketID int64, messageID *int64, a NewAttachment, now Time) (Attachment, error) {
	att := Attachment{
		TicketID: ticketID, MessageID: messageID, FileName: a.FileName, MimeType: a.MimeType,
		FileSize: a.FileSize, UploadedAt: now, StorageName: a.StorageName,
	}
	err := tx.QueryRow(`
		INSERT INTO attachments (ticket_id, message_id, file_name, mime_type, file_size, storage_name, external_url, uploaded_at)
		VALUES (?, ?, ?, ?, ?, nullif(?, ''), nullif(?, ''), ?) RETURNING id`,
		ticketID, messageID, a.FileName, a.MimeType, a.FileSize, a.StorageName, a.ExternalURL, now).Scan(&att.ID)
	if err != nil {
		return att, fmt.Errorf("db: unable to insert attachment: %w", err)
	}
	att.FileURL = a.ExternalURL
	if a.StorageName != "" {
		att.FileURL = AttachmentURL(ticketID, att.ID)
		// Its object is now named by a row: no longer the sweep's.
		if _, err := tx.Exec(`DELETE FROM file_intents WHERE name = ?`, a.StorageName); err != nil {
			return att, fmt.Errorf("db: unable to forget a noted file: %w", err)
		}
	}
	return att, nil
}

// countAttachments counts the files already on a ticket that share the
// new files' visibility: those of internal notes (internal), or those the
// requester can see. Each kind has its own maxFiles, so the requester's
// room, which the tracking page shows, never betrays the agents' files.
func countAttachments(tx *Tx, ticketID int64, internal bool) (int, error) {
	filter := hideInternal
	if internal {
		filter = ` AND message_id IN (SELECT id FROM messages WHERE internal = TRUE)`
	}
	var n int
	if err := tx.QueryRow(`SELECT count(*) FROM attachments WHERE ticket_id = ?`+filter, ticketID).Scan(&n); err != nil {
		return 0, fmt.Errorf("db: unable to count attachments: %w", err)
	}
	return n, nil
}

// AddAttachments records files on an existing ticket, all or none, refusing
// with ETOOLARGE when the ticket would hold more than maxFiles files its
// requester can see, and with ECONFLICT when the ticket is closed.
func (d *DB) AddAttachments(ctx context.Context, ticketID int64, files []NewAttachment, maxFiles int) ([]Attachment, error) {
	var out []Attachment
	err := d.write(ctx, func(tx *Tx) error {
		out = []Attachment{}
		t, err := findTicket(ctx, tx, ticketID)
		if err != nil {
			return err
		}
		if t.Status == StatusClosed {
			return Errorf(ECONFLICT, "ticket is closed")
		}
		n, err := countAttachments(tx, ticketID, false)
		if err != nil {
			return err
		}
		if n+len(files) > maxFiles {
			return Errorf(ETOOLARGE, "a ticket holds at most %d files; it has %d", maxFiles, n)
		}
		now := Time{d.now()}
		for _, f := range files {
			a, err := insertAttachment(tx, ticketID, nil, f, now)
			if err != nil {
				return err
			}
			out = append(out, a)
		}
		return touchTicket(tx, ticketID, now)
	})
	return out, err
}

func touchTicket(tx *Tx, id int64, now Time) error {
	if _, err := tx.Exec(`UPDATE tickets SET updated_at = ? WHERE id = ?`, now, id); err != nil {
		return fmt.Errorf("db: unable to touch ticket: %w", err)
	}
	return nil
}

const attachmentColumns = `id, ticket_id, message_id, file_name, mime_type, file_size,
	coalesce(storage_name, ''), coalesce(external_url, ''), uploaded_at`

func scanAttachment(s scanner) (Attachment, error) {
	var a Attachment
	var msg sql.NullInt64
	var external string
	if err := s.Scan(&a.ID, &a.TicketID, &msg, &a.FileName, &a.MimeType, &a.FileSize,
		&a.StorageName, &external, &a.UploadedAt); err != nil {
		return a, err
	}
	if msg.Valid {
		a.MessageID = &msg.Int64
	}
	a.FileURL = external
	if a.StorageName != "" {
		a.FileURL = AttachmentURL(a.TicketID, a.ID)
	}
	return a, nil
}

// hideInternal leaves out files attached to agents' internal notes.
const hideInternal = ` AND (message_id IS NULL OR message_id NOT IN (SELECT id FROM messages WHERE internal = TRUE))`

// attachmentsOf returns the attachments of the given tickets, by ticket id;
// withInternal false leaves out those of internal notes.
func (d *DB) attachmentsOf(ctx context.Context, ticketIDs []int64, withInternal bool) (map[int64][]Attachment, error) {
	marks := strings.TrimSuffix(strings.Repeat("?,", len(ticketIDs)), ",")
	args := make([]any, len(ticketIDs))
	for i, id := range ticketIDs {
		args[i] = id
	}
	filter := ""
	if !withInternal {
		filter = hideInternal
	}
	rows, err := d.read.QueryContext(ctx, `SELECT `+attachmentColumns+`
		FROM attachments WHERE ticket_id IN (`+marks+`)`+filter+` ORDER BY ticket_id, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("db: unable to list attachments: %w", err)
	}
	defer rows.Close()
	out := map[int64][]Attachment{}
	for rows.Next() {
		a, err := scanAttachment(rows)
		if err != nil {
			return nil, fmt.Errorf("db: unable to scan attachment: %w", err)
		}
		out[a.TicketID] = append(out[a.TicketID], a)
	}
	return out, rows.Err()
}

// Attachments lists a ticket's attachments, oldest first; withInternal
// false (requesters) leaves out those of internal notes.
func (d *DB) Attachments(ctx context.Context, ticketID int64, withInternal bool) ([]Attachment, error) {
	if _, err := findTicket(ctx, d.read, ticketID); err != nil {
		return nil, err
	}
	m, err := d.attachmentsOf(ctx, []int64{ticketID}, withInternal)
	if err != nil {
		return nil, err
	}
	if m[ticketID] == nil {
		return []Attachment{}, nil
	}
	return m[ticketID], nil
}

// Attachment returns one attachment of a ticket; withInternal false
// (requesters) treats those of internal notes as not found.
func (d *DB) Attachment(ctx context.Context, ticketID, id int64, withInternal bool) (Attachment, error) {
	filter := ""
	if !withInternal {
		filter = hideInternal
	}
	a, err := scanAttachment(d.read.QueryRowContext(ctx, `SELECT `+attachmentColumns+`
		FROM attachments WHERE ticket_id = ? AND id = ?`+filter, ticketID, id))
	if err == sql.ErrNoRows {
		return a, Errorf(ENOTFOUND, "attachment %d not found", id)
	}
	if err != nil {
		return a, fmt.Errorf("db: unable to fetch attachment: %w", err)
	}
	return a, nil
}

// DeleteAttachment removes an attachment's row and returns its storage name
// ("" for a reference) for the caller to remove from disk.
func (d *DB) DeleteAttachment(ctx context.Context, ticketID, id int64) (string, error) {
	var name string
	err := d.write(ctx, func(tx *Tx) error {
		err := tx.QueryRow(`DELETE FROM attachments WHERE ticket_id = ? AND id = ?
			RETURNING coalesce(storage_name, '')`, ticketID, id).Scan(&name)
		if err == sql.ErrNoRows {
			return Errorf(ENOTFOUND, "attachment %d not found", id)
		}
		if err != nil {
			return fmt.Errorf("db: unable to delete attachment: %w", err)
		}
		if err := noteRemoved(tx, []string{name}, d.now()); err != nil {
			return err
		}
		return touchTicket(tx, ticketID, Time{d.now()})
	})
	return name, err
}

// StorageNames calls keep for every stored file name the database knows;
// the start-up sweep removes files it does not.
func (d *DB) StorageNames(ctx context.Context, keep func(string)) error {
	rows, err := d.read.QueryContext(ctx, `SELECT storage_name FROM attachments WHERE storage_name IS NOT NULL`)
	if err != nil {
		return fmt.Errorf("db: unable to list stored files: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return fmt.Errorf("db: unable to scan stored file: %w", err)
		}
		keep(n)
	}
	return rows.Err()
}
