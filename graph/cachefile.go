package graph

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
)

// The cache file. A clean Close of a store in a directory writes the
// adjacency cache beside the store's files, so that the next Open reads one
// file from start to end instead of scanning and decoding every entity and
// relation record. It is only a copy: Open takes it only when its stamp (the
// commit counter, the change log's next sequence number and the counters)
// and its checksum match the store, deletes it once read, and otherwise
// scans the store as before. So a crash, a write after the file was made, a
// restore or a copy of older store files can never bring back a stale cache.
// A store shared through a database server has no such file: other
// processes write it while this one runs.
const cacheFileName = "whosedata-cache"

// cacheMagic starts the file and names its format.
const cacheMagic = "whosedata-cache/1\n"

// cacheStamp is what a cache file must share with the store it describes.
type cacheStamp struct {
	head, nextSeq uint64
	counts        counts
}

func (c cacheStamp) append(b []byte) []byte {
	b = binary.AppendUvarint(b, c.head)
	b = binary.AppendUvarint(b, c.nextSeq)
	b = binary.AppendUvarint(b, uint64(c.counts.NextEnt))
	for _, v := range []int64{c.counts.Live, c.counts.Merged, c.counts.Relations, c.counts.Statements} {
		b = binary.AppendVarint(b, v)
	}
	return b
}

// cachePath is where this store keeps its cache file, or "" when it keeps
// none.
func (s *Store) cachePath() string {
	if s.dir == "" || s.shared {
		return ""
	}
	return filepath.Join(s.dir, cacheFileName)
}

// takeCacheFile returns the version held by the store's cache file when it
// describes the store as stamped by st (its adjacency lists not yet built),
// or nil; either way the file is gone afterwards, so that it is never read
// twice.
func (s *Store) takeCacheFile(st cacheStamp) *memGraph {
	path := s.cachePath()
	if path == "" {
		return nil
	}
	g, err := readCacheFile(path, st)
	if rerr := os.Remove(path); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
		// A file that stays could be read again after the store changes,
		// were its stamp to match by chance: do not use it.
		s.log.Warn("could not remove the cache file; opening from the store", "file", path, "err", rerr)
		return nil
	}
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		s.log.Info("the cache file was not used; reading the store", "file", path, "reason", err)
		return nil
	}
	s.fromCacheFile = true
	return g
}

// saveCacheFile writes version g, which reflects the store as it stands, as
// the cache file; the caller holds the writer lock at Close. A failure is
// only logged: the next open reads the store instead.
func (s *Store) saveCacheFile(g *memGraph) {
	path := s.cachePath()
	if path == "" || s.broken != nil {
		return
	}
	if err := writeCacheFile(path, g, cacheStamp{head: s.head, nextSeq: s.nextSeq, counts: s.counts}); err != nil {
		s.log.Warn("could not write the cache file; the next open reads the store", "file", path, "err", err)
	}
}

// writeCacheFile writes version g with stamp st to path, through a
// temporary file renamed into place, so a reader never finds half a file.
func writeCacheFile(path string, g *memGraph, st cacheStamp) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	sum := crc32.NewIEEE()
	err = encodeCache(io.MultiWriter(w, sum), g, st)
	if err == nil {
		_, err = w.Write(binary.BigEndian.AppendUint32(nil, sum.Sum32()))
	}
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// encodeCache writes the cache: magic and stamp; one record per entity
// number (its kind, then for a live entity its id, record time, key, name,
// description and, as JSON, its rarer lists); the merged count; then every
// relation in key order with its statement run. Adjacency lists are not
// written: they are rebuilt from the relations (buildLists).
func encodeCache(w io.Writer, g *memGraph, st cacheStamp) error {
	b := st.append([]byte(cacheMagic))
	b = binary.AppendUvarint(b, uint64(g.size()))
	flush := func() error {
		if len(b) < 1<<16 {
			return nil
		}
		_, err := w.Write(b)
		b = b[:0]
		return err
	}
	for n := range g.size() {
		k := g.kinds.at(n)
		b = append(b, byte(k))
		if k != 0 {
			m := g.ents.ref(n)
			b = append(b, m.id[:]...)
			b = binary.AppendVarint(b, m.recorded)
			b = appendString(b, m.text)
			b = binary.AppendUvarint(b, uint64(m.keyEnd))
			b = binary.AppendUvarint(b, uint64(m.nameEnd))
			var more []byte
			if m.more != nil {
				var err error
				if more, err = json.Marshal(entRec{Aliases: m.more.aliases, Attributes: m.more.attrs, Dated: m.more.dated}); err != nil {
					return err
				}
			}
			b = appendString(b, string(more))
		}
		if err := flush(); err != nil {
			return err
		}
	}
	b = binary.AppendUvarint(b, uint64(g.merged))
	b = binary.AppendUvarint(b, uint64(g.nrel))
	for n := range g.size() {
		for _, a := range g.outOf(uint32(n)) {
			m := g.rel(a.slot)
			b = binary.AppendUvarint(b, uint64(m.t.From))
			b = append(b, byte(m.t.Type), byte(m.status))
			b = binary.AppendUvarint(b, uint64(m.t.To))
			b = binary.AppendVarint(b, int64(m.vFrom))
			b = binary.AppendVarint(b, int64(m.vTo))
			run := g.stmtsOf(m)
			b = binary.AppendUvarint(b, uint64(len(run)))
			for _, s := range run {
				b = append(b, byte(s.status), byte(s.prev))
				b = binary.AppendVarint(b, int64(s.day))
				b = binary.AppendUvarint(b, uint64(s.rec))
				b = binary.AppendUvarint(b, uint64(s.ret))
			}
			if err := flush(); err != nil {
				return err
			}
		}
	}
	_, err := w.Write(b)
	return err
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// errStaleCache says a cache file does not describe the store.
var errStaleCache = errors.New("the cache file does not match the store")

// readCacheFile reads the cache file at path if it describes the store as
// stamped by st, and returns the version it holds, not yet sealed.
func readCacheFile(path string, st cacheStamp) (*memGraph, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if info.Size() < 4 {
		return nil, fmt.Errorf("%w: %d bytes", errStaleCache, info.Size())
	}
	sum := crc32.NewIEEE()
	r := &cacheReader{r: bufio.NewReaderSize(io.TeeReader(io.LimitReader(f, info.Size()-4), sum), 1<<20)}
	g, err := decodeCache(r, st)
	if err != nil {
		return nil, err
	}
	if _, err := r.r.ReadByte(); err != io.EOF {
		return nil, fmt.Errorf("%w: bytes after the last relation", errStaleCache)
	}
	var tail [4]byte
	if _, err := io.ReadFull(f, tail[:]); err != nil {
		return nil, err
	}
	if binary.BigEndian.Uint32(tail[:]) != sum.Sum32() {
		return nil, fmt.Errorf("%w: checksum", errStaleCache)
	}
	return g, nil
}

func decodeCache(r *cacheReader, st cacheStamp) (*memGraph, error) {
	want := st.append([]byte(cacheMagic))
	got := make([]byte, len(want))
	if _, err := io.ReadFull(r.r, got); err != nil || string(got) != string(want) {
		return nil, fmt.Errorf("%w: another format, commit or size", errStaleCache)
	}
	g := newMemGraph()
	size := r.uvarint()
	if r.err == nil && size > uint64(st.counts.NextEnt)+1 {
		return nil, fmt.Errorf("%w: %d entity numbers", errStaleCache, size)
	}
	if size > 0 {
		g.grow(uint32(size - 1))
	}
	for n := range uint32(size) {
		k := EntityKind(r.byte())
		if r.err != nil || k == 0 {
			continue
		}
		var m entMini
		r.read(m.id[:])
		m.recorded = r.varint()
		m.text = r.string()
		m.keyEnd, m.nameEnd = uint32(r.uvarint()), uint32(r.uvarint())
		if r.err == nil && (m.keyEnd > m.nameEnd || int(m.nameEnd) > len(m.text)) {
			r.err = fmt.Errorf("%w: entity %d's text", errStaleCache, n)
		}
		if more := r.string(); more != "" && r.err == nil {
			var rec entRec
			if err := json.Unmarshal([]byte(more), &rec); err != nil {
				return nil, fmt.Errorf("%w: entity %d: %v", errStaleCache, n, err)
			}
			m.more = &entMore{aliases: rec.Aliases, attrs: rec.Attributes, dated: rec.Dated}
		}
		g.setKind(n, k)
		g.ents.set(int(n), m, g.gen)
	}
	g.merged = int(r.uvarint())
	nrel := r.uvarint()
	if r.err == nil && nrel != uint64(st.counts.Relations) {
		return nil, fmt.Errorf("%w: %d relations", errStaleCache, nrel)
	}
	g.stmts = make([]memStmt, 0, min(st.counts.Statements, 1<<24))
	for range nrel {
		if r.err != nil {
			break
		}
		var m memRel
		m.t.From = uint32(r.uvarint())
		m.t.Type, m.status = RelationType(r.byte()), ClaimStatus(r.byte())
		m.t.To = uint32(r.uvarint())
		m.vFrom, m.vTo = int32(r.varint()), int32(r.varint())
		nst := r.uvarint()
		if r.err == nil && (nst > maxRun || uint64(m.t.From) >= size || uint64(m.t.To) >= size) {
			return nil, fmt.Errorf("%w: relation %s", errStaleCache, m.t)
		}
		m.st, m.nst = uint32(len(g.stmts)), uint16(nst)
		for range nst {
			s := memStmt{status: ClaimStatus(r.byte()), prev: ClaimStatus(r.byte())}
			s.day = int32(r.varint())
			s.rec, s.ret = uint32(r.uvarint()), uint32(r.uvarint())
			g.stmts = append(g.stmts, s)
		}
		g.rels.push(m, g.gen)
		g.nstmt += int(m.nst)
		g.nrel++
	}
	if r.err != nil {
		if errors.Is(r.err, io.EOF) || errors.Is(r.err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("%w: it ends early", errStaleCache)
		}
		return nil, r.err
	}
	return g, nil
}

// cacheReader reads the cache file's fields, keeping the first error.
type cacheReader struct {
	r   *bufio.Reader
	err error
}

func (c *cacheReader) byte() byte {
	if c.err != nil {
		return 0
	}
	b, err := c.r.ReadByte()
	c.err = err
	return b
}

func (c *cacheReader) read(p []byte) {
	if c.err == nil {
		_, c.err = io.ReadFull(c.r, p)
	}
}

func (c *cacheReader) uvarint() uint64 {
	if c.err != nil {
		return 0
	}
	v, err := binary.ReadUvarint(c.r)
	c.err = err
	return v
}

func (c *cacheReader) varint() int64 {
	if c.err != nil {
		return 0
	}
	v, err := binary.ReadVarint(c.r)
	c.err = err
	return v
}

// maxCacheString bounds one string of the file, so that a corrupt length
// cannot exhaust memory.
const maxCacheString = 64 << 20

func (c *cacheReader) string() string {
	n := c.uvarint()
	if c.err != nil || n == 0 {
		return ""
	}
	if n > maxCacheString {
		c.err = fmt.Errorf("%w: a string of %d bytes", errStaleCache, n)
		return ""
	}
	b := make([]byte, n)
	c.read(b)
	return string(b)
}
