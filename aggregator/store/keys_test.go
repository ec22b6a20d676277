package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tributary/tributary/aggregator/dedup"
	"github.com/tributary/tributary/aggregator/entry"
	"github.com/tributary/tributary/aggregator/store"
)

// keysEnv is a store with two sources, a and b, for tests of the
// duplicate keys.
type keysEnv struct {
	t      *testing.T
	ctx    context.Context
	path   string
	st     *store.Store
	a, b   store.SourceState
	at     time.Time
	polled int
}

func newKeysEnv(t *testing.T) *keysEnv {
	t.Helper()
	e := &keysEnv{t: t, ctx: context.Background(), path: filepath.Join(t.TempDir(), "t.db"),
		at: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}
	e.st = open(t, e.path)
	t.Cleanup(func() { e.st.Close() })
	cfg := []store.SourceConfig{{URL: "https://a.example/feed", Location: "https://a.example/feed"}, {URL: "https://b.example/feed", Location: "https://b.example/feed"}}
	if err := e.st.SyncSources(e.ctx, cfg); err != nil {
		t.Fatal(err)
	}
	var err error
	if e.a, err = e.st.Source(e.ctx, cfg[0].URL); err != nil {
		t.Fatal(err)
	}
	if e.b, err = e.st.Source(e.ctx, cfg[1].URL); err != nil {
		t.Fatal(err)
	}
	return e
}

// save saves entries as a poll of source a and returns their row ids.
func (e *keysEnv) save(entries ...entry.Entry) []int64 {
	e.t.Helper()
	e.polled++
	_, saved, err := e.st.SavePoll(e.ctx, store.Poll{SourceURL: e.a.URL, At: e.at.Add(time.Duration(e.polled) * time.Minute), Entries: entries})
	if err != nil {
		e.t.Fatal(err)
	}
	var ids []int64
	for _, s := range saved {
		ids = append(ids, s.RowID)
	}
	return ids
}

// found returns the candidates that an entry of source b with keys finds.
func (e *keysEnv) found(keys ...uint32) []int64 {
	e.t.Helper()
	cands, err := e.st.DupCandidates(e.ctx, store.DupQuery{SourceID: e.b.ID, Keys: keys, Since: e.at.Add(-time.Hour)})
	if err != nil {
		e.t.Fatal(err)
	}
	var ids []int64
	for _, c := range cands {
		ids = append(ids, c.ID)
	}
	return ids
}

// onDisk returns the rows of dedup_keys, as "key:entry", in order.
func (e *keysEnv) onDisk() []string {
	e.t.Helper()
	rows, err := raw(e.t, e.path).Query(`SELECT key, entry_id FROM dedup_keys ORDER BY key, entry_id`)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k, id int64
		rows.Scan(&k, &id)
		out = append(out, fmt.Sprintf("%d:%d", k, id))
	}
	return out
}

func (e *keysEnv) flush() {
	e.t.Helper()
	if err := e.st.FlushKeys(e.ctx); err != nil {
		e.t.Fatal(err)
	}
}

func keyed(key string, hash string, keys ...uint32) entry.Entry {
	return entry.Entry{Key: "guid:" + key, Title: key, ContentText: "text of " + key, Hash: hash, DedupKeys: keys}
}

// A new entry's keys wait in memory, where candidates are found as on
// disk, until they are written together.
func TestKeysWaitThenAreWrittenTogether(t *testing.T) {
	e := newKeysEnv(t)
	ids := e.save(keyed("x", "1", 30, 10, 20), keyed("y", "1", 10, 40))
	if got := e.onDisk(); len(got) != 0 {
		t.Fatalf("keys on disk before a flush: %v", got)
	}
	if got := e.found(10, 20, 99); !slices.Equal(got, ids[:1]) {
		t.Errorf("candidates of keys 10, 20 while they wait: %v, want %v", got, ids[:1])
	}
	e.flush()
	want := []string{fmt.Sprint("10:", ids[0]), fmt.Sprint("10:", ids[1]), fmt.Sprint("20:", ids[0]), fmt.Sprint("30:", ids[0]), fmt.Sprint("40:", ids[1])}
	if got := e.onDisk(); !slices.Equal(got, want) {
		t.Errorf("keys on disk after a flush: %v, want %v", got, want)
	}
	if got := e.found(10, 20, 99); !slices.Equal(got, ids[:1]) {
		t.Errorf("candidates of keys 10, 20 on disk: %v, want %v", got, ids[:1])
	}
	if got := e.found(10, 40); !slices.Equal(got, ids[1:]) {
		t.Errorf("candidates of keys 10, 40: %v, want %v", got, ids[1:])
	}
}

// Once enough keys wait, saving a poll writes them.
func TestKeysAreWrittenWhenEnoughWait(t *testing.T) {
	e := newKeysEnv(t)
	var batch []entry.Entry
	for i := range 2100 { // 8 keys each: more than 16,384 keys
		keys := make([]uint32, 8)
		for j := range keys {
			keys[j] = uint32(i*8 + j + 1)
		}
		batch = append(batch, keyed(fmt.Sprint(i), "1", keys...))
	}
	e.save(batch...)
	if got := len(e.onDisk()); got != 2100*8 {
		t.Errorf("%d keys on disk after saving 2,100 entries of 8 keys, want all", got)
	}
}

// An entry that changes takes new keys in place of its old ones, whether
// they wait or are on disk.
func TestChangedEntryReplacesItsKeys(t *testing.T) {
	e := newKeysEnv(t)
	id := e.save(keyed("x", "1", 1, 2))[0]
	e.save(keyed("x", "2", 3, 4))
	if got := e.found(1, 2); len(got) != 0 {
		t.Errorf("the old keys of a changed entry still find it: %v", got)
	}
	if got := e.found(3, 4); !slices.Equal(got, []int64{id}) {
		t.Errorf("the new keys find %v, want %v", got, []int64{id})
	}
	e.flush()
	if got, want := e.onDisk(), []string{fmt.Sprint("3:", id), fmt.Sprint("4:", id)}; !slices.Equal(got, want) {
		t.Errorf("on disk: %v, want %v", got, want)
	}
	e.save(keyed("x", "3", 5, 6)) // its keys on disk now: replaced at once
	if got, want := e.onDisk(), []string{fmt.Sprint("5:", id), fmt.Sprint("6:", id)}; !slices.Equal(got, want) {
		t.Errorf("on disk after a change of an entry written before: %v, want %v", got, want)
	}
}

// The keys of an entry deleted while they wait are not written, however
// it was deleted: by the store (a filter, a cap) or by another process;
// and a new entry given a deleted one's id does not inherit its keys.
func TestKeysOfDeletedEntriesAreNotWritten(t *testing.T) {
	e := newKeysEnv(t)
	first := e.save(keyed("x", "1", 1, 2))[0]
	filtered := keyed("x", "1")
	filtered.Filtered = true
	e.save(filtered) // forgotten: deleted
	reused := e.save(keyed("z", "1", 3, 4))[0]
	if reused != first {
		t.Logf("the new entry got id %d, not the deleted one's %d", reused, first)
	}
	if got := e.found(1, 2); len(got) != 0 {
		t.Errorf("the keys of a filtered entry find %v", got)
	}
	capped := e.save(keyed("c", "1", 5, 6))[0]
	if _, err := e.st.Cap(e.ctx, e.at.Add(time.Hour), e.a.ID, 1); err != nil {
		t.Fatal(err)
	}
	external := e.save(keyed("d", "1", 7, 8))[0]
	if _, err := raw(t, e.path).Exec(`DELETE FROM entries WHERE id = ?`, external); err != nil {
		t.Fatal(err)
	}
	e.flush()
	var want []string
	var kept int64
	raw(t, e.path).QueryRow(`SELECT id FROM entries`).Scan(&kept)
	for _, k := range map[int64][]int{reused: {3, 4}, capped: {5, 6}}[kept] {
		want = append(want, fmt.Sprint(k, ":", kept))
	}
	if got := e.onDisk(); !slices.Equal(got, want) {
		t.Errorf("on disk: %v, want %v (entry %d is the one left)", got, want, kept)
	}
}

// A daemon that stops without writing the keys that wait loses none: the
// next Open makes them again from the stored sketches.
func TestKeysNotWrittenAreMadeAgainAtOpen(t *testing.T) {
	e := newKeysEnv(t)
	text := strings.Repeat("The ferry to the islands runs twice a day in winter, and the timetable changes in May. ", 4)
	sk, ok := dedup.NewSketch(text)
	if !ok {
		t.Fatal("text too short to sketch")
	}
	keys, _ := dedup.Keys(sk, nil)
	x := keyed("x", "1", keys...)
	x.Sketch, _ = sk.MarshalBinary()
	id := e.save(x)[0]
	e.flush()
	before := e.onDisk()
	if len(before) != len(keys) {
		t.Fatalf("on disk: %v, want %d keys", before, len(keys))
	}
	if err := e.st.Close(); err != nil {
		t.Fatal(err)
	}
	// What a daemon that stopped before writing them leaves.
	if _, err := raw(t, e.path).Exec(`DELETE FROM dedup_keys; UPDATE meta SET value = '0' WHERE key = 'dedup_keys_through'`); err != nil {
		t.Fatal(err)
	}
	e.st = open(t, e.path)
	if got := e.found(keys...); !slices.Equal(got, []int64{id}) {
		t.Errorf("after Open, the entry's keys find %v, want %v", got, []int64{id})
	}
	// A process that only reads (tributary status) writes none of them.
	if err := open(t, e.path).Close(); err != nil {
		t.Fatal(err)
	}
	e.flush()
	if got := e.onDisk(); len(got) != 0 {
		t.Errorf("keys written with no entry saved: %v", got)
	}
	// The process that saves entries writes them with its own.
	y := e.save(keyed("y", "1", 1))[0]
	e.flush()
	if got, want := e.onDisk(), append([]string{fmt.Sprint("1:", y)}, before...); !slices.Equal(got, want) {
		t.Errorf("keys made again: %v, want %v", got, want)
	}
}

// A database written before keys waited has every entry's keys on disk:
// Open makes none again.
func TestOpenTrustsKeysOfAnOlderDatabase(t *testing.T) {
	e := newKeysEnv(t)
	x := keyed("x", "1", 1, 2)
	x.Sketch = []byte{0xff} // not a sketch: it would fail to be made again
	e.save(x)
	e.flush()
	e.st.Close()
	db := raw(t, e.path)
	if _, err := db.Exec(`DELETE FROM meta WHERE key = 'dedup_keys_through'`); err != nil {
		t.Fatal(err)
	}
	e.st = open(t, e.path)
	var through sql.NullString
	db.QueryRow(`SELECT value FROM meta WHERE key = 'dedup_keys_through'`).Scan(&through)
	if through.String != "1" {
		t.Errorf("dedup_keys_through = %q after opening a database without it, want the highest entry id, 1", through.String)
	}
	if got := e.onDisk(); len(got) != 2 {
		t.Errorf("on disk: %v", got)
	}
}

// Deleting an entry deletes its keys, however it is deleted: by the store
// (a cap), by another process without foreign keys, or with its source.
func TestDeletedEntriesTakeTheirKeys(t *testing.T) {
	e := newKeysEnv(t)
	ids := e.save(keyed("x", "1", 1, 2), keyed("y", "1", 3, 4), keyed("z", "1", 5, 6))
	e.flush()
	onDisk := func(want ...string) {
		t.Helper()
		if got := e.onDisk(); !slices.Equal(got, want) {
			t.Errorf("on disk: %v, want %v", got, want)
		}
	}
	x, y, z := fmt.Sprint(":", ids[0]), fmt.Sprint(":", ids[1]), fmt.Sprint(":", ids[2])
	onDisk("1"+x, "2"+x, "3"+y, "4"+y, "5"+z, "6"+z)
	// All three were first seen together: the cap keeps the newest
	// published, by id among equals.
	if _, err := e.st.Cap(e.ctx, e.at.Add(time.Hour), e.a.ID, 2); err != nil {
		t.Fatal(err)
	}
	if len(e.onDisk()) != 4 {
		t.Fatalf("after capping the source to two entries, on disk: %v", e.onDisk())
	}
	if _, err := raw(t, e.path).Exec(`DELETE FROM entries WHERE id = ?`, ids[2]); err != nil {
		t.Fatal(err)
	}
	for _, k := range e.onDisk() {
		if strings.HasSuffix(k, z) {
			t.Errorf("key %s of an entry deleted by another process is left", k)
		}
	}
	fk, err := sql.Open("sqlite", e.path+"?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer fk.Close()
	if _, err := fk.Exec(`DELETE FROM sources WHERE id = ?`, e.a.ID); err != nil {
		t.Fatal(err)
	}
	onDisk()
	// A new database has no foreign key on the keys either, for the
	// connection that made it too.
	if err := store.WriterExec(e.st, `INSERT INTO dedup_keys (key, entry_id) VALUES (1, 99)`); err != nil {
		t.Errorf("a key of no entry, on the writer: %v", err)
	}
}

// A database of schema 9 keeps its duplicate keys when it is migrated to
// keys without a foreign key, and they are deleted with their entries.
func TestMigratedKeysAreKept(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.db")
	db := raw(t, path)
	if err := store.MigrateTo(db, 9); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO sources (id, url) VALUES (1, 'https://a.example/feed');
		INSERT INTO entries (id, public_id, source_id, key, url, title, author, content_html, content_text, first_seen, modified_at, hash)
		VALUES (1, 'p1', 1, 'k1', '', 'one', '', '', '', 1, 1, 'h'), (2, 'p2', 1, 'k2', '', 'two', '', '', '', 1, 1, 'h');
		INSERT INTO dedup_keys (key, entry_id) VALUES (7, 1), (8, 1), (7, 2), (9, 2);`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	st := open(t, path)
	defer st.Close()
	e := &keysEnv{t: t, path: path}
	if got, want := e.onDisk(), []string{"7:1", "7:2", "8:1", "9:2"}; !slices.Equal(got, want) {
		t.Errorf("after the migration, on disk: %v, want %v", got, want)
	}
	if _, err := raw(t, path).Exec(`DELETE FROM entries WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	if got, want := e.onDisk(), []string{"7:2", "9:2"}; !slices.Equal(got, want) {
		t.Errorf("after deleting entry 1, on disk: %v, want %v", got, want)
	}
	// The foreign key is gone, for the connection that migrated too (it
	// has foreign keys on): flushKeys checks that entries exist instead.
	if err := store.WriterExec(st, `INSERT INTO dedup_keys (key, entry_id) VALUES (1, 99)`); err != nil {
		t.Errorf("a key of no entry, on the writer: %v", err)
	}
	var check string
	if err := raw(t, path).QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check: %q, %v", check, err)
	}
}
