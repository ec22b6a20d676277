package aggregator_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/tributary/tributary/aggregator"
)

const ladderStory = `The river authority said on Tuesday that the new fish ladder at the old mill weir had carried more than four thousand salmon upstream in its first month. Engineers had expected half that number. Volunteers who count the fish each morning said the run was the strongest in twenty years.`

// The duplicate index is on disk: a copy from another source is found
// through the keys stored with the original, and a database written before
// keys were kept gets them once, when the indexes are loaded.
func TestDuplicateKeysAreStoredAndBackfilled(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	a := e.sources(serveBody(t, rssOf(`<item><guid>a1</guid><title>Ladder</title><link>https://a.example/ladder</link><description>`+ladderStory+`</description></item>`)))[0]
	if r := e.poll(a); r.Counts.New != 1 {
		t.Fatalf("poll a: %+v", r)
	}
	db, err := sql.Open("sqlite", e.dbPath+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var keys int
	db.QueryRow(`SELECT count(*) FROM dedup_keys`).Scan(&keys)
	if keys == 0 {
		t.Fatal("no duplicate keys stored with the entry")
	}
	// As written by a version that kept no keys.
	if _, err := db.Exec(`DELETE FROM dedup_keys; DELETE FROM meta WHERE key = 'dedup_keys'`); err != nil {
		t.Fatal(err)
	}
	if err := e.poller.LoadIndexes(context.Background()); err != nil {
		t.Fatal(err)
	}
	db.QueryRow(`SELECT count(*) FROM dedup_keys`).Scan(&keys)
	if keys == 0 {
		t.Fatal("keys were not added back when the indexes were loaded")
	}
	e.clock.Set(e.clock.Now().Add(time.Hour))
	copied := "By Sam Reed. " + ladderStory[:strings.LastIndex(ladderStory, " Volunteers")] + " Source: River Times"
	b := e.sources(serveBody(t, rssOf(`<item><guid>b1</guid><title>Salmon climb</title><link>https://b.example/88</link><description>`+copied+`</description></item>`)))[0]
	if r := e.poll(b); r.Outcome != aggregator.Updated || r.Counts.Duplicates != 1 {
		t.Errorf("poll b: %+v, want its entry recognised as a copy", r)
	}
}

// With the duplicate filter loaded, a copy is still found (the filter only
// spares queries for entries that share nothing), both for a story stored
// before the filter was loaded and one stored after.
func TestDuplicateFilterKeepsCopies(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	a := e.sources(serveBody(t, rssOf(`<item><guid>a1</guid><title>Ladder</title><link>https://a.example/ladder</link><description>`+ladderStory+`</description></item>`)))[0]
	if r := e.poll(a); r.Counts.New != 1 {
		t.Fatalf("poll a: %+v", r)
	}
	if err := e.poller.LoadDupFilter(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(e.clock.Now().Add(time.Hour))
	copied := "By Sam Reed. " + ladderStory[:strings.LastIndex(ladderStory, " Volunteers")] + " Source: River Times"
	b := e.sources(serveBody(t, rssOf(
		`<item><guid>b1</guid><title>Salmon climb</title><link>https://b.example/88</link><description>`+copied+`</description></item>`,
		`<item><guid>b2</guid><title>Kayaks</title><link>https://b.example/89</link><description>Three gentle kayak routes for beginners on calm water, with parking nearby.</description></item>`)))[0]
	if r := e.poll(b); r.Counts.Duplicates != 1 || r.Counts.New != 2 {
		t.Errorf("poll b: %+v, want the copy recognised with the filter loaded", r)
	}
	e.clock.Set(e.clock.Now().Add(time.Hour))
	c := e.sources(serveBody(t, rssOf(`<item><guid>c1</guid><title>Kayak routes</title><link>https://c.example/1</link><description>Three gentle kayak routes for beginners on calm water, with parking nearby.</description></item>`)))[0]
	if r := e.poll(c); r.Counts.Duplicates != 1 {
		t.Errorf("poll c: %+v, want a copy of the entry stored after the filter was loaded", r)
	}
}
