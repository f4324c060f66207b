//go:build linux || darwin || freebsd

package filestore

import (
	"fmt"
	"syscall"
)

// freeBytes is statfs's available blocks (those left once the root
// reserve is set aside) times the block size.
func freeBytes(dir string) (int64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		// The path stays in the log; callers never show this message.
		return 0, fmt.Errorf("filestore: unable to measure free space: %w", err)
	}
	return int64(st.Bavail) * int64(st.Bsize), nil
}
