//go:build unix

package graph

import "syscall"

// freeSpace returns the bytes free to an unprivileged writer on the
// filesystem holding dir, or -1 when it cannot be told.
func freeSpace(dir string) int64 {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return -1
	}
	return int64(st.Bavail) * int64(st.Bsize)
}
