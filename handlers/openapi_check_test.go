package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/kinconecta/helpdesk/handlers/api"
)

// The served document is checked with kin-openapi, which reads OpenAPI 3.1:
// for a 3.1 document openapi3filter validates bodies with a JSON Schema
// 2020-12 validator. That settles how the document spells things:
//   - nullable fields use `type: [T, "null"]`; 3.1 dropped `nullable`, and
//     kin-openapi's 2020-12 validator ignores it (null would be refused);
//   - a closed object that another extends (Ticket, CreatedTicket) shares an
//     open TicketFields and closes itself with `unevaluatedProperties: false`,
//     because `additionalProperties: false` inside an allOf branch would
//     refuse the extension's own fields;
//   - file bytes are `type: string, format: binary`, which kin-openapi (and
//     3.0-era tools) decode as raw bytes for any media type.

// openAPISpec is the served document, loaded once per test binary.
var openAPISpec struct {
	once   sync.Once
	doc    *openapi3.T
	router routers.Router
	err    error
}

// loadOpenAPI parses and validates the embedded document and builds its
// router. A document that fails its own validation (a bad $ref, an example
// that does not match its schema) fails every checked test.
func loadOpenAPI() (*openapi3.T, routers.Router, error) {
	openAPISpec.once.Do(func() {
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(api.OpenAPIDocument())
		if err != nil {
			openAPISpec.err = err
			return
		}
		if err := doc.Validate(loader.Context); err != nil {
			openAPISpec.err = err
			return
		}
		openAPISpec.doc = doc
		openAPISpec.router, openAPISpec.err = gorillamux.NewRouter(doc)
	})
	return openAPISpec.doc, openAPISpec.router, openAPISpec.err
}

// describedPath reports whether an exchange is one the document describes;
// pages and static files are not.
func describedPath(p string) bool {
	return strings.HasPrefix(p, "/api/") || p == "/healthz" || p == "/readyz"
}

// checkOpenAPI validates one exchange against the served OpenAPI document.
// The response is always checked: its status must be documented for the
// operation, its headers and body must match. The request is checked only
// when the server accepted it (2xx), since tests send malformed requests on
// purpose to see them refused. It reports with t.Errorf, never t.Fatal,
// because tests call the server from several goroutines.
func checkOpenAPI(t testing.TB, method, path string, reqHeader http.Header, reqBody []byte, resp *http.Response, body []byte) {
	t.Helper()
	u, err := url.Parse(path)
	if err != nil || !describedPath(u.Path) {
		return
	}
	doc, router, err := loadOpenAPI()
	if err != nil {
		t.Errorf("openapi.json is not a valid OpenAPI document: %v", err)
		return
	}
	where := method + " " + path + " -> " + resp.Status

	// Fiber routes "/x/" like "/x" (StrictRouting off); find the operation
	// the same way.
	routePath := u.EscapedPath()
	if len(routePath) > 1 {
		routePath = strings.TrimRight(routePath, "/")
	}
	target := routePath
	if u.RawQuery != "" {
		target += "?" + u.RawQuery
	}
	req, err := http.NewRequest(method, "http://helpdesk.test"+target, bytes.NewReader(reqBody))
	if err != nil {
		t.Errorf("%s: cannot rebuild the request: %v", where, err)
		return
	}
	req.Header = reqHeader.Clone()

	if method == http.MethodHead {
		// HEAD is GET without the body (RFC 9110); the document describes
		// the GET, so a HEAD is checked only for being one.
		req.Method = http.MethodGet
	}
	route, pathParams, err := router.FindRoute(req)
	if err != nil {
		checkUnroutedExchange(t, doc, where, method, u.Path, err, resp, body)
		return
	}
	if method == http.MethodHead {
		return
	}
	options := &openapi3filter.Options{
		AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
		IncludeResponseStatus: true,
		MultiError:            true,
	}
	reqInput := &openapi3filter.RequestValidationInput{
		Request: req, PathParams: pathParams, Route: route, Options: options,
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if err := openapi3filter.ValidateRequest(context.Background(), reqInput); err != nil {
			t.Errorf("%s: the server accepted a request the OpenAPI document does not allow: %v", where, err)
		}
	}

	documented := route.Operation.Responses.Status(resp.StatusCode)
	if documented == nil {
		t.Errorf("%s: status %d is not documented for %s %s in openapi.json; body %.300q",
			where, resp.StatusCode, method, route.Path, body)
		return
	}
	if len(documented.Value.Content) == 0 && len(body) > 0 {
		t.Errorf("%s: documented without a body, but the server sent %d bytes: %.300q", where, len(body), body)
	}
	respInput := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: reqInput,
		Status:                 resp.StatusCode,
		Header:                 resp.Header,
		Options:                options,
	}
	respInput.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), respInput); err != nil {
		t.Errorf("%s: response does not match openapi.json: %v; body %.300q", where, err, body)
	}
	checkProblemStatus(t, where, resp, body)
}

// checkUnroutedExchange handles an exchange whose path or method the
// document does not list: the server must have refused it with a problem
// (404 no such path, 405 no such method). Anything else means the server
// serves an operation the document does not describe.
func checkUnroutedExchange(t testing.TB, doc *openapi3.T, where, method, path string, routeErr error, resp *http.Response, body []byte) {
	t.Helper()
	if !errors.Is(routeErr, routers.ErrPathNotFound) && !errors.Is(routeErr, routers.ErrMethodNotAllowed) {
		t.Errorf("%s: cannot route the request in openapi.json: %v", where, routeErr)
		return
	}
	if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("%s: the server answered an operation that openapi.json does not describe (%v)", where, routeErr)
		return
	}
	if !strings.HasPrefix(path, "/api/") || method == http.MethodHead {
		// /healthz and /readyz answer unknown methods outside the API's
		// error format, and a HEAD answer has no body to check.
		return
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt != "application/problem+json" {
		t.Errorf("%s: Content-Type %q, want application/problem+json", where, resp.Header.Get("Content-Type"))
		return
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Errorf("%s: problem body is not JSON (%v): %.300q", where, err, body)
		return
	}
	if err := doc.Components.Schemas["Problem"].Value.VisitJSON(v, openapi3.EnableJSONSchema2020()); err != nil {
		t.Errorf("%s: body does not match the Problem schema: %v", where, err)
	}
	checkProblemStatus(t, where, resp, body)
}

// checkProblemStatus holds a problem's status member to the HTTP status, a
// rule of RFC 9457 a schema cannot express.
func checkProblemStatus(t testing.TB, where string, resp *http.Response, body []byte) {
	t.Helper()
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt != "application/problem+json" {
		return
	}
	var p struct{ Status int }
	if err := json.Unmarshal(body, &p); err == nil && p.Status != resp.StatusCode {
		t.Errorf("%s: problem status %d differs from the HTTP status", where, p.Status)
	}
}
