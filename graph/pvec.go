package graph

import "slices"

// pvec is a vector cut into fixed-size pages that versions of the adjacency
// cache share copy-on-write. A new version copies only the page table (one
// pointer a page); a write copies the page it lands on the first time this
// version writes there. So a commit costs what it touches, not the size of
// the graph, and a reader holding an older version never sees a write: the
// pages it reads are never written again.
type pvec[T any] struct {
	pages []*page[T]
	n     int
}

const (
	pageBits = 10
	pageLen  = 1 << pageBits
	pageMask = pageLen - 1
)

// page is one page of a pvec, owned by the version (gen) that may write it.
type page[T any] struct {
	gen uint64
	a   [pageLen]T
}

// len is the number of elements.
func (v *pvec[T]) len() int { return v.n }

// at returns element i.
func (v *pvec[T]) at(i int) T { return v.pages[i>>pageBits].a[i&pageMask] }

// ref returns a pointer to element i for reading only.
func (v *pvec[T]) ref(i int) *T { return &v.pages[i>>pageBits].a[i&pageMask] }

// share returns a vector with the same elements that shares every page; the
// pages stay owned by their version, so writing the copy copies them.
func (v *pvec[T]) share() pvec[T] { return pvec[T]{pages: slices.Clone(v.pages), n: v.n} }

// mut returns a writable pointer to element i for version gen, copying the
// page first when another version owns it.
func (v *pvec[T]) mut(i int, gen uint64) *T {
	pi := i >> pageBits
	p := v.pages[pi]
	if p.gen != gen {
		c := &page[T]{gen: gen, a: p.a}
		v.pages[pi] = c
		p = c
	}
	return &p.a[i&pageMask]
}

// set writes element i for version gen.
func (v *pvec[T]) set(i int, x T, gen uint64) { *v.mut(i, gen) = x }

// grow extends the vector with zero values to n elements. Pages past the old
// end are new; the unused tail of the last page was never written, so it
// already holds zero values.
func (v *pvec[T]) grow(n int, gen uint64) {
	for len(v.pages)*pageLen < n {
		v.pages = append(v.pages, &page[T]{gen: gen})
	}
	if n > v.n {
		v.n = n
	}
}

// push appends x and returns its index.
func (v *pvec[T]) push(x T, gen uint64) int {
	i := v.n
	v.grow(i+1, gen)
	v.set(i, x, gen)
	return i
}
