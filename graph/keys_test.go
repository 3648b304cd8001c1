package graph

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"
)

// TestKeyBytes pins the exact layout of every key type: a change here is a
// change of the on-disk format and needs a schemaVersion bump.
func TestKeyBytes(t *testing.T) {
	id := uuid.MustParse("00112233-4455-6677-8899-aabbccddeeff")
	tr := triple{From: 0x01020304, Type: TrainedOn, To: 0x0a0b0c0d}
	cases := []struct {
		name string
		key  []byte
		want string
	}{
		{"meta", metaKey("schema"), "00736368656d61"},
		{"entity", entityKey(0x01020304), "0101020304"},
		{"entityID", entityIDKey(id), "0200112233445566778899aabbccddeeff"},
		{"name", nameKey("xcorp", 7), "0378636f72700000000007"},
		{"nameExact", nameExact("xcorp"), "0378636f727000"},
		{"namePrefix", namePrefix("xc"), "037863"},
		{"word", wordKey("corp", 7), "04636f72700000000007"},
		{"relation", relationKey(tr), "0601020304010a0b0c0d"},
		{"relationID", relationIDKey(id), "0800112233445566778899aabbccddeeff"},
		{"byStatus", byStatusKey(tr, Alleged), "090104010203040a0b0c0d"},
		{"statement", statementKey(id), "0a00112233445566778899aabbccddeeff"},
		{"counts", countsKey(), "10"},
		{"family", family(pText), "0f"},
	}
	for _, c := range cases {
		if got := hex.EncodeToString(c.key); got != c.want {
			t.Errorf("%s key = %s, want %s", c.name, got, c.want)
		}
	}
}

func TestKeyRoundTrip(t *testing.T) {
	id := uuid.New()
	tr := triple{From: 42, Type: RelatedTo, To: 1 << 31}
	if got, ok := parseRelationKey(relationKey(tr)); !ok || got != tr {
		t.Errorf("relation round trip: %v %v", got, ok)
	}
	if got, st, ok := parseByStatusKey(byStatusKey(tr, Ruled)); !ok || got != tr || st != Ruled {
		t.Errorf("byStatus round trip: %v %v %v", got, st, ok)
	}
	if got := decodeTriple(encodeTriple(tr)); got != tr {
		t.Errorf("triple round trip: %v", got)
	}
	if norm, n, ok := parseNameKey(nameKey("llama2", 99)); !ok || norm != "llama2" || n != 99 {
		t.Errorf("name round trip: %q %d %v", norm, n, ok)
	}
	if norm, n, ok := parseNameKey(wordKey("llama", 5)); !ok || norm != "llama" || n != 5 {
		t.Errorf("word round trip: %q %d %v", norm, n, ok)
	}
	c := counts{NextEnt: 1 << 31, Live: 5, Merged: 1, Relations: 1 << 40, Statements: 7}
	if b := encodeCounts(c); hex.EncodeToString(b) != "80000000"+"0000000000000005"+"0000000000000001"+"0000010000000000"+"0000000000000007" {
		t.Errorf("counts value = %x", b)
	} else if got, ok := decodeCounts(b); !ok || got != c {
		t.Errorf("counts round trip: %+v %v", got, ok)
	}
	if _, ok := decodeCounts(encodeCounts(counts{Live: -1})); ok {
		t.Error("a negative count decoded")
	}
	if _, ok := decodeCounts([]byte{1, 2, 3}); ok {
		t.Error("a short counts value decoded")
	}
	if n, ok := parseEntityKey(entityKey(123456)); !ok || n != 123456 {
		t.Errorf("entity round trip: %d %v", n, ok)
	}
	for _, p := range []byte{pEntityID, pRelationID, pStatement} {
		k := append([]byte{p}, id[:]...)
		if got, ok := parseUUIDKey(k, p); !ok || got != id {
			t.Errorf("uuid key %x round trip: %v %v", p, got, ok)
		}
	}
	if !bytes.HasPrefix(nameKey("xcorp", 1), nameExact("xcorp")) || !bytes.HasPrefix(nameKey("xcorp", 1), namePrefix("xc")) {
		t.Error("name prefixes do not prefix name keys")
	}
	if bytes.HasPrefix(nameKey("xcorpx", 1), nameExact("xcorp")) {
		t.Error("exact name prefix matches a longer name")
	}
	if _, _, ok := parseNameKey([]byte{pName, 'a'}); ok {
		t.Error("short name key parsed")
	}
}

func TestOpsJournalCodec(t *testing.T) {
	ops := []kvOp{{Key: []byte("a"), Value: []byte("1")}, {Key: []byte("bb"), Del: true}, {Key: []byte{0}, Value: nil}}
	got, err := decodeOps(encodeOps(ops))
	if err != nil || len(got) != 3 || string(got[0].Value) != "1" || !got[1].Del || got[2].Key[0] != 0 {
		t.Fatalf("round trip: %+v %v", got, err)
	}
	if _, err := decodeOps(encodeOps(ops)[:6]); err == nil {
		t.Fatal("truncated journal decoded")
	}
}

func TestRelationRecordCodec(t *testing.T) {
	r := &relRec{ID: uuid.New(), Status: Disputed, ValidFrom: MustParseDate("2022-06"), ValidTo: MustParseDate("2024-02-29"),
		Attributes: []Attribute{{Key: "amount", Value: "$10 billion"}, {Key: "role", Value: ""}},
		Statements: []stmtMini{{ID: uuid.New(), Status: Alleged, Day: 19466}, {ID: uuid.New(), Status: Denied, Day: minDay}}}
	b := encodeRel(r)
	got, err := decodeRel(b)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != r.ID || got.Status != r.Status || got.ValidFrom != r.ValidFrom || got.ValidTo != r.ValidTo ||
		fmt.Sprint(got.Attributes) != fmt.Sprint(r.Attributes) || fmt.Sprint(got.Statements) != fmt.Sprint(r.Statements) {
		t.Fatalf("round trip: %+v, want %+v", got, r)
	}
	var m memRel
	g := newMemGraph()
	if err := decodeRelInto(b, nil, &m, g); err != nil || m.status != Disputed || m.nst != 2 || g.stmtsOf(&m)[1].day != minDay || m.vTo != r.ValidTo.End() {
		t.Fatalf("cache decode: %+v %v", m, err)
	}
	// A version 1 record (no record times) still decodes.
	v1 := encodeRel(&relRec{ID: r.ID, Status: Asserted})
	v1[0] = 1
	if got, err := decodeRel(v1); err != nil || got.ID != r.ID || got.Status != Asserted {
		t.Fatalf("version 1 record: %+v %v", got, err)
	}
	for _, bad := range [][]byte{nil, b[:20], b[:len(b)-1], append([]byte{3}, b[1:]...), append(append([]byte{}, b...), 0)} {
		if _, err := decodeRel(bad); err == nil {
			t.Errorf("corrupt record %x decoded", bad)
		}
	}
}

func TestStatementRecordCodec(t *testing.T) {
	at := time.Date(2023, 4, 19, 12, 0, 0, 0, time.UTC)
	for _, r := range []*stmtRec{
		{Rel: triple{1, TrainedOn, 2}, Status: Alleged, ClaimedBy: 3, Dispute: 4, Date: MustParseDate("2023-04-19"), RecordedAt: at,
			Note: "note", Evidence: []evRec{{Doc: 5, URL: "https://a", Quote: "q"}, {URL: "u"}}},
		{Rel: triple{7, Owns, 8}, Status: Retracted, RecordedAt: at,
			Retraction: &Retraction{Reason: "withdrawn", At: at.Add(time.Hour), PreviousStatus: Asserted}},
	} {
		b := encodeStmt(r)
		got, err := decodeStmt(b)
		if err != nil || !reflect.DeepEqual(got, r) {
			t.Fatalf("round trip:\n got  %+v %v\n want %+v", got, err, r)
		}
		for _, bad := range [][]byte{b[:10], b[:len(b)-1], append(append([]byte{}, b...), 9), append([]byte{3}, b[1:]...)} {
			if _, err := decodeStmt(bad); err == nil {
				t.Errorf("corrupt statement %x decoded", bad)
			}
		}
	}
}
