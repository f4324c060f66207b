package connlimit

import "net"

// SendBuffer is the kernel send buffer each accepted TCP connection gets
// (SO_SNDBUF; Linux doubles it for its own bookkeeping). Left to
// autotuning, a connection whose client reads nothing grows its buffer
// to tcp_wmem's maximum (4 MiB): 420 unread downloads then held 1.7 GB of
// socket memory, past the kernel's tcp_mem pressure mark, and from there
// every connection's writes stalled, honest slow downloads among them,
// until the write deadline cut them (issue 8, re-tested). 256 KiB a
// connection keeps the whole cap far below that mark and still fills a
// 100 ms path at 5 MB/s, ample for attachments of at most a few MB.
const SendBuffer = 256 << 10

// capSendBuffer bounds c's send buffer when it is TCP; a failure leaves
// the kernel's default, which is no worse than before.
func capSendBuffer(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetWriteBuffer(SendBuffer)
	}
}
