package graph

import (
	"fmt"
	"testing"
)

func TestEntCacheKeepsVersionsApartAndStaysInBudget(t *testing.T) {
	e := func(name string) *Entity { return &Entity{Key: name, Name: name} }
	c := newEntCache(1<<10, 8)
	c.put(1, 5, e("five"))
	if got := c.get(1, 5); got == nil || got.Name != "five" {
		t.Fatalf("get(1, 5) = %v; want the entity put", got)
	}
	if got := c.get(1, 4); got != nil {
		t.Fatalf("get(1, 4) = %v; an entry written by version 5 must not answer version 4", got)
	}
	c.put(1, 4, e("four")) // an older reader offers an older record
	if got := c.get(1, 5); got == nil || got.Name != "five" {
		t.Fatalf("an older record replaced a newer one: get(1, 5) = %v", got)
	}
	c.put(9, 6, e("nine")) // the same slot (9 mod 8 = 1): the newcomer takes it
	if c.get(1, 5) != nil || c.get(9, 6) == nil {
		t.Fatalf("slot 1 holds %v and %v; want only entity 9", c.get(1, 5), c.get(9, 6))
	}
	for n := uint32(0); n < 64; n++ {
		c.put(n, 1, e(fmt.Sprintf("entity-%d-with-a-longer-name-to-fill-the-budget", n)))
	}
	held := int64(0)
	for i := range c.slots {
		if p := c.slots[i].Load(); p != nil {
			held += p.size
		}
	}
	if held != c.bytes.Load() || held > c.budget {
		t.Fatalf("the cache holds %d bytes, counts %d; budget %d", held, c.bytes.Load(), c.budget)
	}
}
