package graph

import (
	"sync/atomic"
	"unsafe"
)

// entCache keeps recently read entities, bounded in bytes, so that answers
// naming many entities (a hub's lineage names tens of thousands) decode each
// once rather than once per answer, without the cache holding every entity.
// It is direct-mapped: entity n may sit only in slot n mod the slot count,
// so a lookup is one load, a miss costs no list upkeep, and a sweep larger
// than the cache keeps the part that fits instead of evicting all of it.
//
// An entry names the version that wrote the entity's record (entInfo.chg):
// a reader uses it only when its own version holds that same record, so a
// reader never sees an entity as another version has it. Every version of
// one cache lineage shares the cache; rebuild starts a new one, since its
// versions count again from 1. It is safe for concurrent use.
type entCache struct {
	slots  []atomic.Pointer[entEntry]
	bytes  atomic.Int64 // the estimated size of the entities held
	budget int64
}

type entEntry struct {
	n    uint32
	chg  uint64 // the version that wrote the record e was decoded from
	size int64
	e    *Entity
}

// entCacheBytes bounds the entities entCache holds: at the bench
// generator's sizes (about 250 bytes an entity) some 65,000 of them.
const (
	entCacheBytes = 16 << 20
	entCacheSlots = 1 << 16
)

func newEntCache(budget int64, slots int) *entCache {
	return &entCache{slots: make([]atomic.Pointer[entEntry], slots), budget: budget}
}

// get returns entity n as written by version chg, or nil.
func (c *entCache) get(n uint32, chg uint64) *Entity {
	if p := c.slots[n%uint32(len(c.slots))].Load(); p != nil && p.n == n && p.chg == chg {
		return p.e
	}
	return nil
}

// put offers entity n as written by version chg. It keeps a newer record of
// n already held, and leaves e out when it would overrun the budget.
func (c *entCache) put(n uint32, chg uint64, e *Entity) {
	slot := &c.slots[n%uint32(len(c.slots))]
	next := &entEntry{n: n, chg: chg, size: entitySize(e), e: e}
	for {
		old := slot.Load()
		var freed int64
		if old != nil {
			if old.n == n && old.chg >= chg {
				return
			}
			freed = old.size
		}
		if c.bytes.Load()+next.size-freed > c.budget {
			return
		}
		if slot.CompareAndSwap(old, next) {
			c.bytes.Add(next.size - freed)
			return
		}
	}
}

// entitySize estimates what e and its entry occupy on the heap.
func entitySize(e *Entity) int64 {
	size := int64(unsafe.Sizeof(*e)+unsafe.Sizeof(entEntry{})) + int64(len(e.Key)+len(e.Name)+len(e.Description))
	for _, a := range e.Aliases {
		size += int64(unsafe.Sizeof(a)) + int64(len(a))
	}
	for _, a := range e.Attributes {
		size += int64(unsafe.Sizeof(a)) + int64(len(a.Key)+len(a.Value))
	}
	for _, d := range e.dated {
		size += int64(unsafe.Sizeof(d)) + int64(len(d.Name))
		for _, ev := range d.Evidence {
			size += int64(unsafe.Sizeof(ev)) + int64(len(ev.URL)+len(ev.Quote))
		}
	}
	return size
}
