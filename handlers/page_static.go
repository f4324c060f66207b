package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/static"
)

// staticAsset serves an embedded file. Under its content-hashed name
// (what templates link to) it may be cached for a year; under any other
// name browsers must check back, as the content may change.
func staticAsset(c *fiber.Ctx) error {
	a, fresh := static.Lookup(c.Params("*"))
	if a == nil {
		return db.Errorf(db.ENOTFOUND, "no such file")
	}
	c.Set(fiber.HeaderContentType, a.ContentType)
	if fresh {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "no-cache")
	}
	return c.Send(a.Body)
}
