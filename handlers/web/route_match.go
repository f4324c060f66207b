package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// routeTable finds, from a request's headers alone, the route the
// request will reach: what Expect: 100-continue is answered by (the
// matched route's Body policy and limit, not the server's widest), and
// which methods an unknown one is told of. It matches as the router does:
// ":name" is one segment, a trailing "*" the rest, case-sensitively, a
// trailing slash ignored (Fiber's StrictRouting is off).
type routeTable []routeEntry

type routeEntry struct {
	method string
	segs   []string
	body   Body
}

func newRouteTable(routes []Route) routeTable {
	t := make(routeTable, 0, len(routes))
	for _, r := range routes {
		t = append(t, routeEntry{method: r.Method, segs: pathSegments(r.Path), body: r.Body})
	}
	return t
}

// pathSegments splits a path at its slashes, without the leading one or
// a trailing one.
func pathSegments(p string) []string {
	p = strings.TrimSuffix(strings.TrimPrefix(p, "/"), "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// match is the Body policy of the route method and path reach, and
// whether one does (HEAD reaches GET's).
func (t routeTable) match(method, path string) (Body, bool) {
	if method == fiber.MethodHead {
		method = fiber.MethodGet
	}
	segs := pathSegments(path)
	for _, e := range t {
		if e.method == method && e.matches(segs) {
			return e.body, true
		}
	}
	return NoBody, false
}

func (e routeEntry) matches(segs []string) bool {
	for i, s := range e.segs {
		switch {
		case s == "*" && i == len(e.segs)-1:
			return true
		case i >= len(segs):
			return false
		case strings.HasPrefix(s, ":"):
			if segs[i] == "" {
				return false
			}
		case s != segs[i]:
			return false
		}
	}
	return len(segs) == len(e.segs)
}

// requestPath is the path of a request as the router sees it, from its
// headers (the request line's target, without its query).
func requestPath(hdr *fasthttp.RequestHeader) string {
	var u fasthttp.URI
	if err := u.Parse(nil, hdr.RequestURI()); err != nil {
		return ""
	}
	return string(u.PathOriginal())
}

// bodyLimit is what route policy b takes of a body of media type mt (and
// its charset): the largest length, or ok false when it takes none of it.
func (h *Server) bodyLimit(b Body, mt string, params map[string]string) (limit int64, ok bool) {
	switch {
	case mt == fiber.MIMEApplicationForm && b&FormBody != 0:
		return FormBodyLimit, true
	case mt == fiber.MIMEApplicationJSON && b&JSONBody != 0:
		if cs := params["charset"]; cs != "" && !strings.EqualFold(cs, "utf-8") {
			return 0, false
		}
		return JSONBodyLimit, true
	case mt == fiber.MIMEMultipartForm && b&MultipartBody != 0:
		return h.MaxMultipartBody(), params["boundary"] != ""
	}
	return 0, false
}

// SetRoutes tells the server the application's routes, so that a
// request's headers can be matched to its route before the router runs
// (Expect: 100-continue, unknown methods). New calls it once, before
// serving.
func (h *Server) SetRoutes(routes []Route) { h.table = newRouteTable(routes) }
