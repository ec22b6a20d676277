package dedup_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/tributary/tributary/aggregator/dedup"
	"github.com/tributary/tributary/aggregator/entry"
	"github.com/tributary/tributary/aggregator/store"
)

func TestKeysPassOverCrowdedKeys(t *testing.T) {
	s := dedup.Sketch{Size: 20, Hashes: []uint32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}}
	cases := []struct {
		name          string
		crowded       func(uint32) bool
		keys, crowdKs []uint32
	}{
		{"none crowded", nil, []uint32{1, 2, 3, 4, 5, 6, 7, 8}, nil},
		{"two crowded", func(h uint32) bool { return h == 2 || h == 5 }, []uint32{1, 3, 4, 6, 7, 8, 9, 10}, []uint32{2, 5}},
		{"a crowded ninth is not looked at", func(h uint32) bool { return h == 9 }, []uint32{1, 2, 3, 4, 5, 6, 7, 8}, nil},
		{"all crowded", func(uint32) bool { return true }, nil, []uint32{1, 2, 3, 4, 5, 6, 7, 8}},
		{"the sketch runs out", func(h uint32) bool { return h < 7 }, []uint32{7, 8, 9, 10, 11, 12}, []uint32{1, 2, 3, 4, 5, 6}},
	}
	for _, c := range cases {
		keys, crowded := dedup.Keys(s, c.crowded)
		if fmt.Sprint(keys) != fmt.Sprint(c.keys) || fmt.Sprint(crowded) != fmt.Sprint(c.crowdKs) {
			t.Errorf("%s: keys %v, crowded %v; want %v, %v", c.name, keys, crowded, c.keys, c.crowdKs)
		}
	}
	if keys, _ := dedup.Keys(dedup.Sketch{}, nil); len(keys) != 0 {
		t.Errorf("a text too short to sketch has keys %v", keys)
	}
}

// A story that more sources publish than a key may hold (the wire story)
// is still found by every copy, among unrelated entries that share common
// sentences (whose keys become crowded); and no key is chosen by more than
// CrowdedKey entries.
func TestCopiesBeyondCrowdedKeys(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	path := filepath.Join(t.TempDir(), "crowd.db")
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const sources = 2 * dedup.CrowdedKey
	var cfg []store.SourceConfig
	for i := range sources {
		cfg = append(cfg, store.SourceConfig{URL: fmt.Sprintf("https://s%d.example/feed", i)})
	}
	if err := st.SyncSources(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, sources)
	for i, c := range cfg {
		s, err := st.Source(ctx, c.URL)
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = s.ID
	}
	filter := dedup.NewFilter(7 * 24 * time.Hour)
	filter.MarkReady(at)
	r := rand.New(rand.NewPCG(3, 4))
	word := func() string { return fmt.Sprintf("w%d", r.IntN(100000)) }
	sentence := func() string {
		w := make([]string, 12)
		for i := range w {
			w[i] = word()
		}
		return strings.Join(w, " ") + "."
	}
	common := []string{sentence(), sentence(), sentence(), sentence()}
	text := func() string { // common sentences, then some of its own
		parts := append([]string{}, common...)
		for range 3 {
			parts = append(parts, sentence())
		}
		return strings.Join(parts, " ")
	}
	n := 0
	crowdedLookups, narrowed := 0, 0
	// save looks for the original of text as a new entry of source src,
	// then stores it; it returns the original's row id (0: none) and the
	// entry's.
	save := func(src int, text string) (original, id int64) {
		s, ok := dedup.NewSketch(text)
		if !ok {
			t.Fatal("text too short to sketch")
		}
		keys, crowded := dedup.Keys(s, filter.Crowded)
		if len(crowded) > 0 {
			crowdedLookups++
		}
		cands, err := st.DupCandidates(ctx, store.DupQuery{SourceID: ids[src], Keys: keys, Crowded: crowded, Since: at.Add(-time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		// The query of only the keys the filter has seen, as the poller
		// makes it, finds the same candidates.
		_, seenKeys := filter.Seen("", keys)
		_, seenCrowded := filter.Seen("", crowded)
		narrow, err := st.DupCandidates(ctx, store.DupQuery{SourceID: ids[src], Keys: seenKeys, Crowded: seenCrowded,
			Shared: min(dedup.MinSharedKeys, len(keys)+len(crowded)), Since: at.Add(-time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if a, b := candidateIDs(cands), candidateIDs(narrow); !slices.Equal(a, b) {
			t.Fatalf("keys %v, crowded %v: candidates %v; of the seen keys %v, %v: %v", keys, crowded, a, seenKeys, seenCrowded, b)
		}
		if len(seenKeys)+len(seenCrowded) < len(keys)+len(crowded) {
			narrowed++
		}
		lookup := func(id int64) (string, bool) {
			text, ok, err := st.ContentText(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return text, ok
		}
		m, _ := dedup.Decide(dedup.Doc{Source: ids[src], Sketch: s}, text, cands, lookup)
		n++
		e := entry.Entry{Key: fmt.Sprint("guid:", n), Title: "t", ContentText: text, Hash: fmt.Sprint(n), DedupKeys: keys, DuplicateOf: m.ID}
		e.Sketch, _ = s.MarshalBinary()
		_, saved, err := st.SavePoll(ctx, store.Poll{SourceURL: cfg[src].URL, At: at, Entries: []entry.Entry{e}})
		if err != nil || len(saved) != 1 {
			t.Fatalf("save: %v (%d saved)", err, len(saved))
		}
		for _, k := range keys {
			filter.AddKey(k, at)
		}
		return m.ID, saved[0].RowID
	}
	for i := range 3 * dedup.CrowdedKey { // unrelated entries: their common keys become crowded
		if orig, _ := save(i%sources, text()); orig != 0 {
			t.Fatalf("unrelated entry %d was taken for a copy of %d", i, orig)
		}
	}
	story := text()
	_, first := save(0, story)
	missed := 0
	for src := 1; src < sources; src++ {
		// Exact copies: all their keys become crowded at once, so the
		// copies after the CrowdedKey-th are found through crowded keys.
		if orig, _ := save(src, story); orig != first {
			missed++
		}
	}
	if missed > 0 {
		t.Errorf("%d of %d copies of the story did not find it", missed, sources-1)
	}
	if crowdedLookups == 0 {
		t.Error("no lookup met a crowded key: the test does not test what it says")
	}
	if narrowed == 0 {
		t.Error("the filter never left a key out of a query: the comparison tests nothing")
	}
	t.Logf("%d lookups, %d met a crowded key, %d left keys out", n, crowdedLookups, narrowed)
	if err := st.FlushKeys(ctx); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var most int
	if err := db.QueryRow(`SELECT max(n) FROM (SELECT count(*) n FROM dedup_keys GROUP BY key)`).Scan(&most); err != nil {
		t.Fatal(err)
	}
	if most > dedup.CrowdedKey {
		t.Errorf("a key was chosen by %d entries (at most %d)", most, dedup.CrowdedKey)
	}
}

// candidateIDs returns the row ids of cands, in order.
func candidateIDs(cands []dedup.Candidate) []int64 {
	var ids []int64
	for _, c := range cands {
		ids = append(ids, c.ID)
	}
	slices.Sort(ids)
	return ids
}
