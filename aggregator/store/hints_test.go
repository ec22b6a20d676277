package store_test

import (
	"context"
	"database/sql"
	"maps"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/tributary/tributary/aggregator/store"
)

// Stored hints: a hint to an entry that is gone is never stored and leaves
// with its entry; a challenger marks hints stale only when it would enter
// their top.
func TestStoredHints(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "t.db")
	st := open(t, path)
	defer st.Close()
	src := "https://x.example/feed"
	if err := st.SyncSources(ctx, []store.SourceConfig{{URL: src, Location: src}}); err != nil {
		t.Fatal(err)
	}
	_, saved, err := st.SavePoll(ctx, store.Poll{SourceURL: src, At: time.Now(), Entries: entries("a", "b", "c", "d")})
	if err != nil {
		t.Fatal(err)
	}
	a, b, c, d := saved[0].RowID, saved[1].RowID, saved[2].RowID, saved[3].RowID
	newest, err := st.NewestID(ctx)
	if err != nil || newest != d {
		t.Fatalf("NewestID = %d, %v; want %d", newest, err, d)
	}
	sets := []store.HintSet{
		{EntryID: a, Hints: []store.Hint{{ID: b, Score: 0.9}, {ID: 999, Score: 0.8}, {ID: c, Score: 0.5}}},
		{EntryID: b, Hints: nil},
		{EntryID: 998, Hints: []store.Hint{{ID: a, Score: 1}}},
	}
	if err := st.SaveHints(ctx, sets, newest, nil); err != nil {
		t.Fatal(err)
	}
	hintIDs := func(id int64) ([]int64, bool) {
		got, err := st.StoredHints(ctx, []int64{a, b, c})
		if err != nil {
			t.Fatal(err)
		}
		sh, ok := got[id]
		var ids []int64
		for _, h := range sh.Hints {
			ids = append(ids, h.ID)
		}
		return ids, ok
	}
	if got, ok := hintIDs(a); !ok || !slices.Equal(got, []int64{b, c}) {
		t.Errorf("hints of a = %v (%v), want [b c] without the missing entry", got, ok)
	}
	if got, ok := hintIDs(b); !ok || len(got) != 0 {
		t.Errorf("hints of b = %v (%v): computed and empty", got, ok)
	}
	if _, ok := hintIDs(c); ok {
		t.Error("c has stored hints though none were computed")
	}

	// Challengers: d at 0.4 would not enter a's top 2 (b 0.9, c 0.5); at
	// 0.6 it would.
	if err := st.SaveHints(ctx, nil, newest, []store.Challenger{{Entry: a, ID: d, Score: 0.4, Top: 2}}); err != nil {
		t.Fatal(err)
	}
	if _, ok := hintIDs(a); !ok {
		t.Error("a weaker challenger made a's hints stale")
	}
	if err := st.SaveHints(ctx, nil, newest, []store.Challenger{{Entry: a, ID: c, Score: 0.95, Top: 2}}); err != nil {
		t.Fatal(err)
	}
	if _, ok := hintIDs(a); !ok {
		t.Error("a challenger already among the hints made them stale")
	}
	if err := st.SaveHints(ctx, nil, newest, []store.Challenger{{Entry: a, ID: d, Score: 0.6, Top: 2}}); err != nil {
		t.Fatal(err)
	}
	if _, ok := hintIDs(a); ok {
		t.Error("a stronger challenger left a's hints as they were")
	}

	// An entry deleted takes its place in others' hints with it.
	if err := st.SaveHints(ctx, sets[:1], newest, nil); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("DELETE FROM entries WHERE id = ?", b); err != nil {
		t.Fatal(err)
	}
	if got, _ := hintIDs(a); !slices.Equal(got, []int64{c}) {
		t.Errorf("hints of a = %v after b was deleted, want [c]", got)
	}
}

// EntryTexts gives back each stored entry's title and text as saved, and
// nothing for ids not stored.
func TestEntryTexts(t *testing.T) {
	ctx := context.Background()
	st := open(t, filepath.Join(t.TempDir(), "t.db"))
	defer st.Close()
	src := "https://x.example/feed"
	if err := st.SyncSources(ctx, []store.SourceConfig{{URL: src, Location: src}}); err != nil {
		t.Fatal(err)
	}
	es := entries("a", "b", "c")
	for i := range es {
		es[i].ContentText = "text of " + es[i].Title + " 三峡"
	}
	_, saved, err := st.SavePoll(ctx, store.Poll{SourceURL: src, At: time.Now(), Entries: es})
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]string{}
	err = st.EntryTexts(ctx, []int64{saved[2].RowID, 999, saved[0].RowID}, func(id int64, title, text string) {
		got[id] = title + "|" + text
	})
	want := map[int64]string{saved[0].RowID: "a|text of a 三峡", saved[2].RowID: "c|text of c 三峡"}
	if err != nil || !maps.Equal(got, want) {
		t.Errorf("EntryTexts = %v, %v; want %v", got, err, want)
	}
}
