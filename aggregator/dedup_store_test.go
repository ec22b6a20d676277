package aggregator_test

import (
	"bytes"
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/tributary/tributary/aggregator"
)

// ladderStory has characters that NFKC changes (a ligature, full-width
// digits), so that a sketch made without normalising would differ.
const ladderStory = `The river authority said on Tuesday that the new ﬁsh ladder at the old mill weir had carried more than ４０００ salmon upstream in its first month. Engineers had expected half that number. Volunteers who count the fish each morning said the run was the strongest in twenty years.`

// The duplicate index is on disk: a copy from another source is found
// through the keys stored with the original, and a database written before
// keys were kept, or whose sketches were made another way, gets them made
// again once, when the indexes are loaded.
func TestDuplicateKeysAreStoredAndBackfilled(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	a := e.sources(serveBody(t, rssOf(`<item><guid>a1</guid><title>Ladder</title><link>https://a.example/ladder</link><description>`+ladderStory+`</description></item>`)))[0]
	if r := e.poll(a); r.Counts.New != 1 {
		t.Fatalf("poll a: %+v", r)
	}
	// Keys wait in memory until the end of a cycle.
	if err := e.store.FlushKeys(context.Background()); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", e.dbPath+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var polled []byte // as the poll made it, from the text normalised once for several uses
	db.QueryRow(`SELECT fingerprint FROM entries`).Scan(&polled)
	if err := e.poller.LoadIndexes(context.Background()); err != nil {
		t.Fatal(err)
	}
	var keys int
	var sketch []byte
	db.QueryRow(`SELECT count(*) FROM dedup_keys`).Scan(&keys)
	db.QueryRow(`SELECT fingerprint FROM entries`).Scan(&sketch)
	if keys == 0 || len(sketch) == 0 {
		t.Fatalf("%d duplicate keys and a sketch of %d bytes stored with the entry", keys, len(sketch))
	}
	// As written by a version that kept no keys and made sketches
	// otherwise.
	if _, err := db.Exec(`DELETE FROM dedup_keys; UPDATE entries SET fingerprint = x'0501000000'; DELETE FROM meta WHERE key = 'dedup_version'`); err != nil {
		t.Fatal(err)
	}
	if err := e.poller.LoadIndexes(context.Background()); err != nil {
		t.Fatal(err)
	}
	var again []byte
	db.QueryRow(`SELECT count(*) FROM dedup_keys`).Scan(&keys)
	db.QueryRow(`SELECT fingerprint FROM entries`).Scan(&again)
	if keys == 0 || !bytes.Equal(again, sketch) || !bytes.Equal(again, polled) {
		t.Fatalf("after loading the indexes: %d keys, sketch made again as before %v, as when polled %v", keys, bytes.Equal(again, sketch), bytes.Equal(again, polled))
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
