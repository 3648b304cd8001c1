package graph

// Search limits.
const (
	DefaultSearchResults = 20
	MaxSearchResults     = 200
)
