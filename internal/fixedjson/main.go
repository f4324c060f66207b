// Command fixedjson is the throughput baseline of `make bench`: a bare Fiber
// app whose one handler answers a fixed JSON object. It runs as its own
// process, as the helpdesk does, so the load generator's CPU is measured
// apart from the server's.
//
//	go run ./internal/fixedjson -addr 127.0.0.1:8099
package main

import (
	"flag"
	"log"

	"github.com/gofiber/fiber/v2"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8099", "listen address")
	flag.Parse()
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	answer := map[string]any{"id": 1, "status": "open", "subject": "Question about tour cancellation"}
	app.Get("/fixed", func(c *fiber.Ctx) error { return c.JSON(answer) })
	log.Fatal(app.Listen(*addr))
}
