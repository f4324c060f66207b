package main

import (
	"net"
	"net/url"
	"strconv"
)

// baseURLFor is the base URL of a server listening on addr when no
// --base-url is given: http, and the listen address, with a wildcard or
// missing host read as localhost.
func baseURLFor(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr // parseServe reports a bad address as it listens
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// baseURLMismatch says why links built on base would not reach a server
// listening at listen, "" when they may: base names this machine (a
// loopback address or localhost) on another port. A base URL naming any
// other host may well sit behind a proxy that forwards to us, so it is
// left alone.
func baseURLMismatch(base string, listen net.Addr) string {
	u, err := url.Parse(base)
	tcp, ok := listen.(*net.TCPAddr)
	if err != nil || !ok {
		return ""
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return ""
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	if port == strconv.Itoa(tcp.Port) {
		return ""
	}
	return "the base URL names this machine on another port: links in emails, trackingUrl and fileUrl will not reach this server; set --base-url"
}
