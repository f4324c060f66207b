package web

import (
	"bufio"
	"io"
	"net"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// pacedStream is a streamed response body (a download, an event stream)
// that holds its connection only while the client takes what is sent.
// Each time fasthttp takes a chunk from it to write, it moves the
// connection's write deadline: Config.BodyIdleTimeout from now, or sooner
// where, with minRate set, the average rate since the answer began would
// fall below it once the grace has passed. A client that reads nothing
// leaves its chunk unwritten past the deadline, and the connection
// closes; without this, 600 unread 10 MB downloads held every connection
// for the whole 5-minute write timeout at no cost to the client (issue 8).
// A slow but steady phone is never cut: it keeps the deadline moving.
type pacedStream struct {
	r    io.Reader
	conn net.Conn
	// The same arithmetic as a request body's (bodyReader.deadline), with
	// the bytes handed to fasthttp in place of the bytes received.
	clock bodyReader
}

// StreamBody answers with r as the body (size bytes, or -1 for a stream
// of unknown length, sent chunked), paced as pacedStream says. minRate
// is false for an event stream, which sends a few bytes a minute by
// design and keeps its connection with pings instead.
func (h *Server) StreamBody(c *fiber.Ctx, r io.Reader, size int, minRate bool) {
	fctx := c.Context()
	p := &pacedStream{r: r, conn: fctx.Conn(), clock: bodyReader{idle: h.Config.BodyIdleTimeout,
		grace: h.Config.BodyRateGrace, start: time.Now()}}
	if minRate {
		p.clock.minRate = h.Config.BodyMinRate
	}
	fctx.Response.SetBodyStream(p, size)
}

// StreamWriter is StreamBody for a body written by sw as it goes (the
// event stream); see fasthttp.Response.SetBodyStreamWriter.
func (h *Server) StreamWriter(c *fiber.Ctx, sw func(*bufio.Writer), minRate bool) {
	h.StreamBody(c, fasthttp.NewStreamReader(sw), -1, minRate)
}

func (p *pacedStream) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 && p.conn != nil {
		// Set once the chunk is ready, just before fasthttp writes it: an
		// event stream's reader waits here for its next event, which is
		// no fault of the client's.
		deadline, _ := p.clock.deadline(time.Now())
		_ = p.conn.SetWriteDeadline(deadline)
		p.clock.read += int64(n)
	}
	return n, err
}

// Close closes the underlying stream (the file), as fasthttp does with a
// body stream once it is written or abandoned.
func (p *pacedStream) Close() error {
	if c, ok := p.r.(io.Closer); ok {
		return c.Close()
	}
	return nil
}
