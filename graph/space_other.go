//go:build !unix

package graph

// freeSpace cannot tell the free space here: -1.
func freeSpace(string) int64 { return -1 }
