//go:build tools

// Package tools pins versitygw, the S3-compatible server the file store's
// tests start over a temporary folder. It is a module of its own so that
// its dependencies (a newer fasthttp among them) never touch the
// helpdesk's go.mod.
package tools

import _ "github.com/versity/versitygw/cmd/versitygw"
