package aggregator_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"
	"time"

	"github.com/tributary/tributary/aggregator"
	"github.com/tributary/tributary/aggregator/store"
	"github.com/tributary/tributary/config"
)

func TestSourceSwitchesToURLIdentityWithoutDuplicating(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	srv, v1, src := e.serveRSS(t)
	if r := e.poll(src); r.URLIdentity || r.Counts.New != 3 {
		t.Fatalf("first poll: %+v", r)
	}
	ids := map[string]bool{}
	for _, it := range e.items() {
		ids[it.ID] = true
	}

	// The CMS now gives every item the same GUID.
	v2 := regexp.MustCompile(`<guid[^>]*>[^<]*</guid>`).ReplaceAll(v1, []byte("<guid>https://river.example.org/</guid>"))
	v2 = bytes.Replace(v2, []byte("Volunteers counted"), []byte("Volunteers have counted"), 1)
	srv.set(v2, `"v2"`)
	e.clock.Set(e.clock.Now().Add(time.Hour))
	r := e.poll(src)
	if !r.URLIdentity || r.Counts.New != 0 || r.Counts.Updated != 1 {
		t.Fatalf("poll with broken GUIDs: %+v", r)
	}
	items := e.items()
	if len(items) != 3 {
		t.Fatalf("%d entries after the switch, want 3", len(items))
	}
	for _, it := range items {
		if !ids[it.ID] {
			t.Errorf("entry %q got a new id %s", it.Title, it.ID)
		}
	}
	st, _ := e.store.Source(context.Background(), src.Source.URL)
	if !st.URLIdentity {
		t.Error("source state does not say it is identified by URL")
	}
}

func TestRetentionKeepsTheNewestAndTombstonesTheRest(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	srv, v1, src := e.serveRSS(t) // items of Jan, Feb and Mar 2026
	e.poll(src)

	// On 2026-11-01 with 90 days' retention all three are old; one is kept.
	n, err := e.poller.Prune(context.Background(), 90*24*time.Hour, 1)
	if err != nil || n != 2 {
		t.Fatalf("Prune = %d, %v; want 2", n, err)
	}
	items := e.items()
	if len(items) != 1 || items[0].Title != "Dams and the spring flood" {
		t.Fatalf("kept %+v, want the newest entry", items)
	}

	// The source lists the pruned items again, one of them edited: they stay out.
	srv.set(bytes.Replace(v1, []byte("Counting salmon"), []byte("Recounting salmon"), 1), `"v2"`)
	r := e.poll(src)
	if r.Counts.New != 0 || r.Counts.Updated != 0 {
		t.Errorf("re-listed pruned entries came back: %+v", r.Counts)
	}
	if got := len(e.items()); got != 1 {
		t.Errorf("%d entries after the re-listing, want 1", got)
	}

	// A recent entry is never pruned.
	if n, _ := e.poller.Prune(context.Background(), 365*24*time.Hour, 0); n != 0 {
		t.Errorf("pruned %d entries younger than the retention", n)
	}
}

// Items without GUIDs whose links differ only by their fragment (a comic
// per anchor) are kept apart by the fragment; RSS 1.0 items sharing a
// link are kept apart by rdf:about; two listings of one item stay one
// (feeds written for this test).
func TestIdentityByFragmentAndAbout(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	comic := rssOf(
		`<item><title>Strip 1</title><link>https://comic.example/daily#s1</link><description>The cat naps.</description></item>`,
		`<item><title>Strip 2</title><link>https://comic.example/daily#s2</link><description>The dog barks.</description></item>`,
		`<item><title>Strip 2</title><link>https://comic.example/daily#s2</link><description>The dog barks.</description></item>`,
	)
	rdf := `<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">` +
		`<channel rdf:about="https://weblog.example/"><title>Weblog</title><link>https://weblog.example/</link></channel>` +
		`<item rdf:about="https://weblog.example/2026/11/01#a"><title>Morning</title><link>https://weblog.example/2026/11/01</link><description>Coffee.</description></item>` +
		`<item rdf:about="https://weblog.example/2026/11/01#b"><title>Evening</title><link>https://weblog.example/2026/11/01</link><description>Tea.</description></item>` +
		`</rdf:RDF>`
	srcs := e.sources(serveBody(t, comic), serveBody(t, rdf))
	for _, src := range srcs {
		if r := e.poll(src); r.Err != nil {
			t.Fatal(r.Err)
		}
	}
	keys := map[string]string{}
	for _, it := range e.items() {
		keys[it.Title] = it.Key
	}
	want := map[string]string{
		"Strip 1": "url:https://comic.example/daily#s1", "Strip 2": "url:https://comic.example/daily#s2",
		"Morning": "about:https://weblog.example/2026/11/01#a", "Evening": "about:https://weblog.example/2026/11/01#b",
	}
	if len(keys) != len(want) {
		t.Errorf("%d entries %v, want %d", len(keys), keys, len(want))
	}
	for title, k := range want {
		if keys[title] != k {
			t.Errorf("%s: key %q, want %q", title, keys[title], k)
		}
	}
}

// A source with an id keeps its entries' ids when its URL changes (a move
// to https, a new host): readers do not see them again as new.
func TestSourceIDKeepsEntryIDsAcrossURLs(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	body := rssOf(`<item><guid>g1</guid><title>Flood warning</title><description>The river rises.</description></item>`)
	ids := func(url string, id string) string {
		src := config.Source{URL: url, Location: serveBody(t, body), ID: id}
		if err := e.store.SyncSources(context.Background(), []store.SourceConfig{{URL: src.URL, Location: src.Location}}); err != nil {
			t.Fatal(err)
		}
		if r := e.poll(aggregator.Target{Source: src}); r.Err != nil {
			t.Fatal(r.Err)
		}
		items := e.items()
		if len(items) != 1 {
			t.Fatalf("%d entries", len(items))
		}
		return items[0].ID
	}
	a := ids("http://old.example/feed", "river-news")
	b := ids("https://new.example/feed", "river-news")
	c := ids("https://other.example/feed", "")
	if a != b {
		t.Errorf("entry id changed with the URL despite the source id: %s, %s", a, b)
	}
	if c == a {
		t.Error("a source without an id got the id-based entry id")
	}
}

// Without an id, a source keeps its identity, and its entries their ids,
// when the config follows its feed's permanent redirect, or gives the same
// named source a new URL.
func TestIdentityFollowsMovesAndURLEdits(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	body := rssOf(`<item><guid>g1</guid><title>Ferry timetable</title><description>Winter times.</description></item>`)
	mux := http.NewServeMux()
	mux.Handle("/old", http.RedirectHandler("/new", http.StatusMovedPermanently))
	for _, p := range []string{"/new", "/a", "/b"} {
		mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, body) })
	}
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	idAfter := func(srcs ...store.SourceConfig) string {
		t.Helper()
		if err := e.store.SyncSources(context.Background(), srcs); err != nil {
			t.Fatal(err)
		}
		last := srcs[len(srcs)-1]
		if r := e.poll(aggregator.Target{Source: config.Source{URL: last.URL, Location: last.Location, Name: last.Name}}); r.Err != nil {
			t.Fatal(r.Err)
		}
		items := e.items()
		if len(items) != 1 {
			t.Fatalf("%d entries shown", len(items))
		}
		return items[0].ID
	}
	src := func(path, name string) store.SourceConfig {
		return store.SourceConfig{URL: ts.URL + path, Location: ts.URL + path, Name: name}
	}
	first := idAfter(src("/old", ""))
	if moved := idAfter(src("/new", "")); moved != first {
		t.Errorf("following a 301 changed the entry id: %s → %s", first, moved)
	}
	named := idAfter(src("/a", "Harbour"))
	if edited := idAfter(src("/b", "Harbour")); edited != named {
		t.Errorf("a URL edit of a named source changed the entry id: %s → %s", named, edited)
	}
	if named == first {
		t.Error("an unrelated source took over another's identity")
	}
}
