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

	"github.com/tributary/tributary/aggregator/entry"
	"github.com/tributary/tributary/aggregator/store"
)

func open(t *testing.T, path string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// raw opens the database file directly, as another process would.
func raw(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestOpenUsesWALAndMigratesOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.db")
	st := open(t, path)
	st.Close()
	st = open(t, path) // a second open finds the schema current
	defer st.Close()
	db := raw(t, path)
	var mode string
	var version int
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v", mode, err)
	}
	if err := db.QueryRow("PRAGMA user_version").Scan(&version); err != nil || version != store.SchemaVersion() || version < 3 {
		t.Errorf("user_version = %d, %v", version, err)
	}
}

func TestOpenRefusesANewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.db")
	open(t, path).Close()
	if _, err := raw(t, path).Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	_, err := store.Open(context.Background(), path)
	if err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("err = %v, want a newer-schema error", err)
	}
}

func entries(titles ...string) []entry.Entry {
	var out []entry.Entry
	for _, title := range titles {
		out = append(out, entry.Entry{Key: "guid:" + title, URL: "https://x.example/" + title, Title: title, Hash: title})
	}
	return out
}

func TestSavePollIsOneTransaction(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "t.db")
	st := open(t, path)
	defer st.Close()
	const src = "https://x.example/feed"
	if err := st.SyncSources(ctx, []store.SourceConfig{{URL: src, Location: src}}); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	if _, _, err := st.SavePoll(ctx, store.Poll{SourceURL: src, At: t0, ETag: `"old"`, BodyHash: "h1", Entries: entries("a")}); err != nil {
		t.Fatal(err)
	}

	// Make the store fail half-way through the next poll's entries.
	_, err := raw(t, path).Exec(`CREATE TRIGGER fail_on_boom BEFORE INSERT ON entries
		WHEN NEW.title = 'boom' BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = st.SavePoll(ctx, store.Poll{SourceURL: src, At: t0.Add(time.Hour), ETag: `"new"`, BodyHash: "h2", Entries: entries("b", "boom", "c")})
	if err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("err = %v", err)
	}
	state, err := st.Source(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	if state.ETag != `"old"` || state.BodyHash != "h1" || !state.LastPoll.Equal(t0) {
		t.Errorf("validators of the failed poll were kept: %+v", state)
	}
	items, err := st.Latest(ctx, time.Now(), 10, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || items[0].Title != "a" {
		t.Errorf("entries after the failed poll: %+v", items)
	}
}

func TestInactiveSourcesLeaveTheFeeds(t *testing.T) {
	ctx := context.Background()
	st := open(t, filepath.Join(t.TempDir(), "t.db"))
	defer st.Close()
	a, b := store.SourceConfig{URL: "a", Location: "file:///a"}, store.SourceConfig{URL: "b", Location: "file:///b"}
	st.SyncSources(ctx, []store.SourceConfig{a, b})
	now := time.Now()
	st.SavePoll(ctx, store.Poll{SourceURL: "a", At: now, Entries: entries("from-a")})
	st.SavePoll(ctx, store.Poll{SourceURL: "b", At: now, Entries: entries("from-b")})
	gen := st.Generation()
	st.SyncSources(ctx, []store.SourceConfig{b})
	if st.Generation() == gen {
		t.Error("removing a source did not change the generation")
	}
	items, _ := st.Latest(ctx, time.Now(), 10, "")
	if len(items) != 1 || items[0].Title != "from-b" {
		t.Errorf("latest = %+v", items)
	}
	if n, _ := st.CountEntries(ctx); n != 2 {
		t.Errorf("entries of the removed source were deleted: %d left", n)
	}
}

func TestPruneTombstonesForgetsOnlyOldOnes(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "t.db")
	st := open(t, path)
	if err := st.SyncSources(ctx, []store.SourceConfig{{URL: "a", Location: "file:///a"}}); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	db := raw(t, path)
	for i, age := range []time.Duration{time.Hour, 100 * 24 * time.Hour, 200 * 24 * time.Hour, 400 * 24 * time.Hour} {
		if _, err := db.Exec(`INSERT INTO tombstones (source_id, key, pruned_at) SELECT id, ?, ? FROM sources`, fmt.Sprint("k", i), now.Add(-age).Unix()); err != nil {
			t.Fatal(err)
		}
	}
	n, err := st.PruneTombstones(ctx, now.Add(-180*24*time.Hour))
	if err != nil || n != 2 {
		t.Fatalf("PruneTombstones = %d, %v; want the 2 older than 180 days", n, err)
	}
	var left int
	db.QueryRow(`SELECT count(*) FROM tombstones`).Scan(&left)
	if left != 2 {
		t.Errorf("%d tombstones left, want 2", left)
	}
}

// A candidate shares at least Shared of the keys asked about: a query that
// leaves out keys no stored entry has (as the poller's filter does) still
// asks for two shared keys, not for one of the fewer keys it names.
func TestDupCandidatesShareKeys(t *testing.T) {
	ctx := context.Background()
	st := open(t, filepath.Join(t.TempDir(), "t.db"))
	defer st.Close()
	a, b := "https://a.example/feed", "https://b.example/feed"
	if err := st.SyncSources(ctx, []store.SourceConfig{{URL: a, Location: a}, {URL: b, Location: b}}); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	stored := entry.Entry{Key: "guid:1", Title: "t", ContentText: "x", Hash: "h", DedupKeys: []uint32{11, 12, 13}}
	if _, _, err := st.SavePoll(ctx, store.Poll{SourceURL: a, At: t0, Entries: []entry.Entry{stored}}); err != nil {
		t.Fatal(err)
	}
	other, err := st.Source(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		keys, crowded []uint32
		shared, want  int
	}{
		{[]uint32{11, 12, 98, 99}, nil, 0, 1}, // two of four shared
		{[]uint32{11, 98, 99}, nil, 0, 0},     // one of three
		{[]uint32{11}, nil, 2, 0},             // the same, the absent keys left out
		{[]uint32{11}, []uint32{13}, 2, 1},    // a crowded key counts too
		{[]uint32{11}, nil, 0, 1},             // an entry with one key needs one
		{[]uint32{11, 12, 13}, nil, 3, 1},     // all three
		{[]uint32{11, 12, 99}, nil, 3, 0},     // two of three is not enough
	}
	for _, tt := range tests {
		cands, err := st.DupCandidates(ctx, store.DupQuery{SourceID: other.ID, Keys: tt.keys, Crowded: tt.crowded, Shared: tt.shared, Since: t0.Add(-time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if len(cands) != tt.want {
			t.Errorf("keys %v, crowded %v, shared %d: %d candidates, want %d", tt.keys, tt.crowded, tt.shared, len(cands), tt.want)
		}
	}
}

// DupCandidatesAll answers each of a batch of queries as DupCandidates
// would alone: by keys and by URL, never with an entry of the asking
// source or one first seen before the query's Since, whatever the other
// queries of the batch share with it.
func TestDupCandidatesAllAnswersEachQuery(t *testing.T) {
	e := newKeysEnv(t)
	x := keyed("x", "1", 1, 2, 3)
	x.URL = "https://a.example/x"
	y := keyed("y", "1", 3, 4)
	ids := e.save(x, y)
	e.flush()
	z := e.save(keyed("z", "1", 4, 5))[0] // its keys wait in memory
	since := e.at.Add(-time.Hour)
	qs := []store.DupQuery{
		{SourceID: e.b.ID, Keys: []uint32{1, 2, 9}, Since: since},                 // x by two keys
		{SourceID: e.a.ID, Keys: []uint32{1, 2, 9}, Since: since},                 // its own source: none
		{SourceID: e.b.ID, Keys: []uint32{3, 4}, Since: since},                    // y; x and z by one key only
		{SourceID: e.b.ID, Keys: []uint32{4, 5}, Since: since},                    // z, from memory
		{SourceID: e.b.ID, Keys: []uint32{1, 2}, Since: e.at.Add(time.Hour)},      // x, but seen too early
		{SourceID: e.b.ID, URL: "https://a.example/x", Since: since},              // x by URL
		{SourceID: e.b.ID, Keys: []uint32{3}, Crowded: []uint32{5}, Since: since}, // none shares two
	}
	want := [][]int64{{ids[0]}, nil, {ids[1]}, {z}, nil, {ids[0]}, nil}
	all, err := e.st.DupCandidatesAll(e.ctx, qs)
	if err != nil {
		t.Fatal(err)
	}
	for i, q := range qs {
		var got []int64
		for _, c := range all[i] {
			got = append(got, c.ID)
			if c.ByURL != (q.URL != "") {
				t.Errorf("query %d: candidate %d ByURL %v", i, c.ID, c.ByURL)
			}
		}
		if !slices.Equal(got, want[i]) {
			t.Errorf("query %d (%+v): %v, want %v", i, q, got, want[i])
		}
		alone, err := e.st.DupCandidates(e.ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(alone) != len(all[i]) {
			t.Errorf("query %d alone: %d candidates, in the batch %d", i, len(alone), len(all[i]))
		}
	}
}
