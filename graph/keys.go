package graph

// The key schema: the only code that builds or parses store keys.
//
// Every key starts with one prefix byte, never reused for another meaning.
// Entity numbers (eN) are compact uint32s allocated by the store and written
// big-endian, so keys sort numerically; the public UUID of an entity maps to
// its number through pEntityID. A relation is identified on disk by its triple
// (from eN, type byte, to eN): 9 bytes. Names and words are normalised
// strings (letters and digits only, lower case), which never contain 0x00,
// so 0x00 terminates them.
//
//	prefix layout                               value                  read by
//	0x00   meta | name                          per name (below)       open (schema version, journal, first-load marker), every commit (head, changes)
//	0x01   entity | eN                          entity record          open (the adjacency cache: kinds, names); get by number; export; merge redirects; Verify
//	0x02   entityID | uuid(16)                  eN                     look-up by id or key (merged ids point at the kept entity); node(id)
//	0x03   name | norm | 0x00 | eN              origin byte            look-up by key, name or alias; prefix search
//	0x04   word | word | 0x00 | eN              empty                  word search over names and aliases
//	0x05   (retired: kind | kind | eN)          -                      none; whosedata-kv/2 only (Verify reports one; migrate deletes them)
//	0x06   relation | from | type | to          relation record        open (the adjacency cache, both directions); a relation by triple; export
//	0x07   (retired: incoming | to | type | from) -                    none; whosedata-kv/2 only (as 0x05)
//	0x08   relationID | uuid(16)                from | type | to       get relation by id; node(id)
//	0x09   byStatus | type | status | from | to empty                  relations by type and effective status, paged
//	0x0A   statement | uuid(16)                 statement record       get or retract a statement by id; a relation's statements; search snippets
//	0x0B   event | disputeN | uuid(16)          event record           a dispute's timeline (prefix scan by dispute)
//	0x0C   eventID | uuid(16)                   disputeN               retract an event by id; node(id)
//	0x0D   change | seq uint64                  change record          the change log, oldest first; feeds
//	0x0E   changeOf | eN | seq uint64           uvarint seq deltas     the changes of one commit touching one entity
//	0x0F   text | word | 0x00 | eN | src | id   empty                  full-text search: words of descriptions, quotes, notes, event summaries
//	0x10   counts                               counters (below)       open (id allocator, cache sizes); Verify
//
// Retired prefixes stay reserved: a byte is never given a second meaning,
// so a store of an older layout can never be misread as a newer one.
//
// The counts key holds, big-endian: the next entity number (uint32), then
// the live entities, merged entity records, relations and statements of
// relations (uint64 each). Every commit that changes one writes it in the
// same transaction as the records it counts, so open need not rebuild the
// id allocator or count anything to size its cache. It lies outside the
// meta prefix on purpose: an interrupted first load is undone by deleting
// everything but the meta keys, and the counts must go with the records.
// A store with no counts key has committed nothing that it counts.
//
// Meta names: "schema" holds the layout version (schemaVersion, or
// schemaMigrating while Migrate upgrades the store); "journal" (header: the
// part count) and "journal/" + part uint32 hold a bulk write in progress,
// replayed on open; "first-load" exists while the first load of an empty
// store is written, which open undoes if it is still there (both in
// kv_store.go); "head" counts commits (uint64), read and written by every
// commit, so that two processes sharing one database cannot both commit on
// the same state and a server sees that another has written
// (store_follow.go); "changes" holds the next change-log sequence number;
// "changelog-from" when the store began its change log (verify.go).
// "undo/h" | chunk(4) and "undo/p" | chunk(4) | piece(4) hold the undo
// record of a staged import into a store that held data, and "undo-done"
// marks one that committed (kv_bulk.go); open rolls back or forgets them.

import (
	"encoding/binary"
	"fmt"

	"github.com/google/uuid"
)

const (
	pMeta       byte = 0x00
	pEntity     byte = 0x01
	pEntityID   byte = 0x02
	pName       byte = 0x03
	pWord       byte = 0x04
	pKindV2     byte = 0x05 // retired (whosedata-kv/2): never reuse
	pRelation   byte = 0x06
	pIncomingV2 byte = 0x07 // retired (whosedata-kv/2): never reuse
	pRelationID byte = 0x08
	pByStatus   byte = 0x09
	pStatement  byte = 0x0A
	pEvent      byte = 0x0B
	pEventID    byte = 0x0C
	pChange     byte = 0x0D
	pChangeOf   byte = 0x0E
	pText       byte = 0x0F
	pCounts     byte = 0x10
)

// retiredFamilies are the prefixes of index families that earlier layouts
// wrote and this one does not: Verify reports any key under them, Migrate
// deletes them.
var retiredFamilies = []struct {
	prefix byte
	name   string
}{
	{pKindV2, "kind index (whosedata-kv/2)"},
	{pIncomingV2, "incoming index (whosedata-kv/2)"},
}

// schemaVersion is written when a store is created and checked on open. Bump it
// whenever the layout above changes, and teach Migrate (migrate.go) the step.
//
//	whosedata-kv/2  the first layout that this whosedata can upgrade
//	whosedata-kv/3  drops the kind (0x05) and incoming (0x07) indexes, adds counts (0x10)
const schemaVersion = "whosedata-kv/3"

// schemaV2 is the layout Migrate upgrades from, and schemaMigrating marks a
// store whose upgrade has begun but not ended (see migrate.go).
const (
	schemaV2        = "whosedata-kv/2"
	schemaMigrating = "whosedata-kv/2-to-3 (migration unfinished)"
)

// Origins of a name index entry.
const (
	originKey   byte = 1
	originName  byte = 2
	originAlias byte = 3
)

// triple identifies a relation on disk and in memory.
type triple struct {
	From uint32
	Type RelationType
	To   uint32
}

func (t triple) String() string { return fmt.Sprintf("%d-%s-%d", t.From, t.Type, t.To) }

// Meta names (see the table above).
const (
	metaSchema    = "schema"
	metaJournal   = "journal"
	metaFirstLoad = "first-load"
	metaHead      = "head"
)

func metaKey(name string) []byte { return append([]byte{pMeta}, name...) }

// family is the prefix of every key of one family (prefix byte p): a scan
// of it reads the whole family, as open, export and Verify do.
func family(p byte) []byte { return []byte{p} }

// undoPrefix is the prefix of every key of a staged write's undo record.
func undoPrefix() []byte { return metaKey("undo/") }

// undoHeadPrefix is the prefix of the undo record's chunk heads, which sort
// by chunk.
func undoHeadPrefix() []byte { return metaKey("undo/h") }

// undoHeadKey holds the number of pieces of chunk c's undo record.
func undoHeadKey(c uint32) []byte { return binary.BigEndian.AppendUint32(undoHeadPrefix(), c) }

func parseUndoHeadKey(k []byte) (uint32, bool) {
	p := undoHeadPrefix()
	if len(k) != len(p)+4 || string(k[:len(p)]) != string(p) {
		return 0, false
	}
	return binary.BigEndian.Uint32(k[len(p):]), true
}

// undoPartKey holds piece p of chunk c's undo record.
func undoPartKey(c, p uint32) []byte {
	return binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(metaKey("undo/p"), c), p)
}

// undoCommitKey marks a staged write whose chunks are all on disk.
func undoCommitKey() []byte { return metaKey("undo-done") }

func entityKey(n uint32) []byte { return binary.BigEndian.AppendUint32([]byte{pEntity}, n) }

func entityIDKey(id uuid.UUID) []byte { return append([]byte{pEntityID}, id[:]...) }

// nameKey is the name index entry for norm; nameKey(norm, 0)[:len-4] is the
// prefix for an exact match, and namePrefix for a prefix match.
func nameKey(norm string, n uint32) []byte {
	k := make([]byte, 0, 2+len(norm)+4)
	k = append(k, pName)
	k = append(k, norm...)
	k = append(k, 0)
	return binary.BigEndian.AppendUint32(k, n)
}

// nameExact is the prefix of every name entry for exactly norm.
func nameExact(norm string) []byte {
	k := append([]byte{pName}, norm...)
	return append(k, 0)
}

// namePrefix is the prefix of every name entry whose name starts with norm.
func namePrefix(norm string) []byte { return append([]byte{pName}, norm...) }

// parseNameKey returns the norm and entity number of a name or word entry.
func parseNameKey(k []byte) (norm string, n uint32, ok bool) {
	if len(k) < 6 || (k[0] != pName && k[0] != pWord) || k[len(k)-5] != 0 {
		return "", 0, false
	}
	return string(k[1 : len(k)-5]), binary.BigEndian.Uint32(k[len(k)-4:]), true
}

func wordKey(word string, n uint32) []byte {
	k := make([]byte, 0, 2+len(word)+4)
	k = append(k, pWord)
	k = append(k, word...)
	k = append(k, 0)
	return binary.BigEndian.AppendUint32(k, n)
}

func wordExact(word string) []byte {
	k := append([]byte{pWord}, word...)
	return append(k, 0)
}

func appendTriple(k []byte, a uint32, t RelationType, b uint32) []byte {
	k = binary.BigEndian.AppendUint32(k, a)
	k = append(k, byte(t))
	return binary.BigEndian.AppendUint32(k, b)
}

func relationKey(t triple) []byte { return appendTriple([]byte{pRelation}, t.From, t.Type, t.To) }

func parseRelationKey(k []byte) (triple, bool) {
	if len(k) != 10 || k[0] != pRelation {
		return triple{}, false
	}
	return decodeTriple(k[1:]), true
}

func encodeTriple(t triple) []byte { return appendTriple(make([]byte, 0, 9), t.From, t.Type, t.To) }

func decodeTriple(b []byte) triple {
	return triple{From: binary.BigEndian.Uint32(b), Type: RelationType(b[4]), To: binary.BigEndian.Uint32(b[5:])}
}

func relationIDKey(id uuid.UUID) []byte { return append([]byte{pRelationID}, id[:]...) }

func byStatusKey(t triple, s ClaimStatus) []byte {
	k := []byte{pByStatus, byte(t.Type), byte(s)}
	return binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(k, t.From), t.To)
}

// byStatusPrefix is the prefix of the byStatus entries of relations of
// type t (0: of every type).
func byStatusPrefix(t RelationType) []byte {
	if t == 0 {
		return []byte{pByStatus}
	}
	return []byte{pByStatus, byte(t)}
}

// byStatusAfter is the first byStatus key after the entry whose key, without
// its prefix byte, is rest (a page cursor).
func byStatusAfter(rest []byte) []byte { return append(append([]byte{pByStatus}, rest...), 0) }

func parseByStatusKey(k []byte) (triple, ClaimStatus, bool) {
	if len(k) != 11 || k[0] != pByStatus {
		return triple{}, 0, false
	}
	return triple{From: binary.BigEndian.Uint32(k[3:]), Type: RelationType(k[1]), To: binary.BigEndian.Uint32(k[7:])}, ClaimStatus(k[2]), true
}

func statementKey(id uuid.UUID) []byte { return append([]byte{pStatement}, id[:]...) }

func eventKey(dispute uint32, id uuid.UUID) []byte {
	return append(binary.BigEndian.AppendUint32([]byte{pEvent}, dispute), id[:]...)
}

// eventsOf is the prefix of every event of a dispute.
func eventsOf(dispute uint32) []byte { return binary.BigEndian.AppendUint32([]byte{pEvent}, dispute) }

func parseEventKey(k []byte) (uint32, uuid.UUID, bool) {
	var id uuid.UUID
	if len(k) != 21 || k[0] != pEvent {
		return 0, id, false
	}
	copy(id[:], k[5:])
	return binary.BigEndian.Uint32(k[1:5]), id, true
}

func eventIDKey(id uuid.UUID) []byte { return append([]byte{pEventID}, id[:]...) }

// Sources of a full-text entry: which text of the entity holds the word.
const (
	srcDescription byte = 1 // the entity's description (id zero)
	srcStatement   byte = 2 // a quote or note of a statement on one of its relations (id: the statement)
	srcEvent       byte = 3 // the summary of one of a dispute's events (id: the event)
)

func textKey(word string, n uint32, src byte, id uuid.UUID) []byte {
	k := make([]byte, 0, 2+len(word)+4+1+16)
	k = append(k, pText)
	k = append(k, word...)
	k = append(k, 0)
	k = binary.BigEndian.AppendUint32(k, n)
	k = append(k, src)
	return append(k, id[:]...)
}

// textExact is the prefix of every full-text entry of word.
func textExact(word string) []byte {
	k := append([]byte{pText}, word...)
	return append(k, 0)
}

func parseTextKey(k []byte) (n uint32, src byte, id uuid.UUID, ok bool) {
	if len(k) < 1+1+1+4+1+16 || k[0] != pText || k[len(k)-22] != 0 {
		return 0, 0, id, false
	}
	t := k[len(k)-21:]
	copy(id[:], t[5:])
	return binary.BigEndian.Uint32(t[:4]), t[4], id, true
}

func changeKey(seq uint64) []byte { return binary.BigEndian.AppendUint64([]byte{pChange}, seq) }

func parseChangeKey(k []byte) (uint64, bool) {
	if len(k) != 9 || k[0] != pChange {
		return 0, false
	}
	return binary.BigEndian.Uint64(k[1:]), true
}

func changeOfKey(n uint32, seq uint64) []byte {
	return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint32([]byte{pChangeOf}, n), seq)
}

// changesOf is the prefix of the change index entries of entity n.
func changesOf(n uint32) []byte { return binary.BigEndian.AppendUint32([]byte{pChangeOf}, n) }

func parseChangeOfKey(k []byte) (uint32, uint64, bool) {
	if len(k) != 13 || k[0] != pChangeOf {
		return 0, 0, false
	}
	return binary.BigEndian.Uint32(k[1:5]), binary.BigEndian.Uint64(k[5:]), true
}

func parseUUIDKey(k []byte, prefix byte) (uuid.UUID, bool) {
	var id uuid.UUID
	if len(k) != 17 || k[0] != prefix {
		return id, false
	}
	copy(id[:], k[1:])
	return id, true
}

func parseEntityKey(k []byte) (uint32, bool) {
	if len(k) != 5 || k[0] != pEntity {
		return 0, false
	}
	return binary.BigEndian.Uint32(k[1:]), true
}

func encodeU32(n uint32) []byte { return binary.BigEndian.AppendUint32(nil, n) }

func decodeU32(b []byte) (uint32, bool) {
	if len(b) != 4 {
		return 0, false
	}
	return binary.BigEndian.Uint32(b), true
}

// afterMeta is the first key after every meta key: the data of a store
// starts there.
func afterMeta() []byte { return []byte{pMeta + 1} }

// counts are the store's counters (the counts key): what open would
// otherwise find by scanning.
type counts struct {
	NextEnt    uint32 // the next entity number to allocate (1 in an empty store)
	Live       int64  // live entities
	Merged     int64  // entity records merged into another
	Relations  int64  // relations
	Statements int64  // statements listed by relations
}

func countsKey() []byte { return []byte{pCounts} }

func encodeCounts(c counts) []byte {
	b := binary.BigEndian.AppendUint32(make([]byte, 0, 36), c.NextEnt)
	for _, v := range []int64{c.Live, c.Merged, c.Relations, c.Statements} {
		b = binary.BigEndian.AppendUint64(b, uint64(v))
	}
	return b
}

func decodeCounts(b []byte) (counts, bool) {
	if len(b) != 36 {
		return counts{}, false
	}
	var v [4]int64
	for i := range v {
		u := binary.BigEndian.Uint64(b[4+8*i:])
		if u > 1<<62 {
			return counts{}, false // negative or absurd: corrupt
		}
		v[i] = int64(u)
	}
	return counts{NextEnt: binary.BigEndian.Uint32(b), Live: v[0], Merged: v[1], Relations: v[2], Statements: v[3]}, true
}

// readCounts reads the counts key; a store without one has counted nothing
// yet (the next entity is 1).
func readCounts(r kvReader) (counts, error) {
	v, ok, err := r.get(countsKey())
	if err != nil {
		return counts{}, err
	}
	if !ok {
		return counts{NextEnt: 1}, nil
	}
	c, ok := decodeCounts(v)
	if !ok {
		return counts{}, fmt.Errorf("the counts key is corrupt (%d bytes: %x)", len(v), v[:min(len(v), 40)])
	}
	return c, nil
}
