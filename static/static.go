// Package static embeds the browser assets (built CSS, scripts, images) in
// the binary and names each by a hash of its content, so browsers may cache
// a file for a year and still fetch a new one the moment it changes.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"path"
	"strings"
)

//go:embed css/app.css js vendor img
var files embed.FS

// Prefix is the URL path under which the assets are served.
const Prefix = "/static/"

// Asset is one embedded file.
type Asset struct {
	Name        string // path inside static/, e.g. "css/app.css"
	Body        []byte
	ContentType string
	hash        string
}

var assets = load()

// load reads every embedded file once at start-up; the assets are small and
// hashing them up front keeps URL() free of work on every render.
func load() map[string]*Asset {
	m := map[string]*Asset{}
	err := fs.WalkDir(files, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ct := mime.TypeByExtension(path.Ext(name))
		if ct == "" {
			ct = "application/octet-stream"
		}
		m[name] = &Asset{Name: name, Body: b, ContentType: ct, hash: hex.EncodeToString(sum[:])[:12]}
		return nil
	})
	if err != nil {
		panic("static: unable to read embedded files: " + err.Error())
	}
	return m
}

// URL is the cache-busting address of an asset: "css/app.css" becomes
// "/static/css/app.<hash>.css". It panics on a name that is not embedded,
// so a typo in a template fails the first test that renders it.
func URL(name string) string {
	a, ok := assets[name]
	if !ok {
		panic("static: no asset " + name)
	}
	ext := path.Ext(name)
	return Prefix + strings.TrimSuffix(name, ext) + "." + a.hash + ext
}

// Lookup finds the asset a request path (without Prefix) names. fresh
// reports whether the path carries the asset's current hash: only then may
// the answer be cached for good. A path without a hash, or with an old one,
// still gets the current file, so a page rendered before a deploy keeps its
// styles.
func Lookup(p string) (a *Asset, fresh bool) {
	if a, ok := assets[p]; ok {
		return a, false
	}
	ext := path.Ext(p)
	stem := strings.TrimSuffix(p, ext)
	dot := strings.LastIndexByte(stem, '.')
	if dot < 0 {
		return nil, false
	}
	a, ok := assets[stem[:dot]+ext]
	if !ok {
		return nil, false
	}
	return a, stem[dot+1:] == a.hash
}
