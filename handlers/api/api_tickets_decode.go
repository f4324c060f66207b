package api

import (
	"encoding/json"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
)

// decodeTicketJSON reads a JSON create body. createdAt and updatedAt are
// accepted and ignored: the server's clock decides. attachments may list
// files hosted elsewhere, stored as references and never fetched.
func decodeTicketJSON(c *fiber.Ctx, maxFiles int) (db.NewTicket, error) {
	obj, err := web.ReadJSONObject(c)
	if err != nil {
		return db.NewTicket{}, err
	}
	return NewTicketFromJSON(obj, maxFiles)
}

// NewTicketFromJSON is a create body's fields as a new ticket: an EINVALID
// error naming each bad field, or ETOOLARGE for more than maxFiles
// attachment references. It is exported for the fuzz test, which checks
// it in process as well as through the endpoint.
func NewTicketFromJSON(obj map[string]json.RawMessage, maxFiles int) (db.NewTicket, error) {
	f := web.JSONFields{Object: obj}
	t := web.NewTicketFrom(f.String)
	if raw, ok := obj["attachments"]; ok && string(raw) != "null" {
		var refs []map[string]json.RawMessage
		if err := json.Unmarshal(raw, &refs); err != nil {
			f.Invalid.Add("attachments", "must be an array of {fileName, fileUrl, mimeType, fileSize}")
		} else if len(refs) > maxFiles {
			return t, db.Errorf(db.ETOOLARGE, "at most %d attachments", maxFiles)
		}
		for i, ref := range refs {
			field := "attachments[" + strconv.Itoa(i) + "]"
			rf := web.JSONFields{Object: ref}
			a := db.NewAttachment{
				FileName:    rf.String("fileName"),
				ExternalURL: rf.String("fileUrl"),
				MimeType:    rf.String("mimeType"),
			}
			if raw, ok := ref["fileSize"]; ok && string(raw) != "null" {
				if err := json.Unmarshal(raw, &a.FileSize); err != nil {
					rf.Invalid.Add("fileSize", "must be a whole number of bytes")
				}
			}
			if a.ExternalURL == "" {
				rf.Invalid.Add("fileUrl", "is required")
			}
			for _, fe := range rf.Invalid.Fields {
				f.Invalid.Add(field+"."+fe.Field, fe.Message)
			}
			t.Attachments = append(t.Attachments, a)
		}
	}
	return t, f.Invalid.Err()
}
