package aggregator_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tributary/tributary/aggregator"
	"github.com/tributary/tributary/aggregator/fetch"
	"github.com/tributary/tributary/aggregator/related"
)

// changingFeed serves an RSS feed whose items a test may replace.
type changingFeed struct {
	mu    sync.Mutex
	items []string
}

func (f *changingFeed) set(items ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.items = items
}

func (f *changingFeed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/rss+xml")
	io.WriteString(w, rssOf(f.items...))
}

func story(guid, title, text string) string {
	return fmt.Sprintf(`<item><guid isPermaLink="false">%s</guid><title>%s</title><description>%s</description><pubDate>Sun, 01 Nov 2026 10:00:00 GMT</pubDate></item>`, guid, title, text)
}

var salmon = []string{
	story("s1", "Salmon return to the river weir", "Salmon numbers at the river weir rose sharply as the new fish ladder opened for the spawning run."),
	story("s2", "Fish ladder helps salmon past the weir", "The new fish ladder at the weir helped salmon numbers rise during the spawning run upstream."),
	story("k1", "Kayak routes for beginners", "Three gentle kayak routes on calm water, with parking and rental shops nearby."),
	story("o1", "Oil prices climb again", "Crude oil prices climbed again on supply fears, hurting shares of airlines."),
}

// unrelated returns n items about nothing in particular, each its own
// subject, so that the archive grows without changing any hint.
func unrelated(n int) []string {
	var out []string
	for i := range n {
		out = append(out, story(fmt.Sprintf("u%d", i), fmt.Sprintf("Notice %d", i),
			fmt.Sprintf("Item%d zebra%d quartz%d violin%d harbour%d lantern%d meadow%d.", i, i, i, i, i, i, i)))
	}
	return out
}

// salmonEnv is an env that has polled a served feed of the salmon items;
// the feed's items may be changed.
func salmonEnv(t *testing.T) (*env, *changingFeed, aggregator.Target) {
	t.Helper()
	e := newEnv(t, 5*time.Second)
	feed := &changingFeed{}
	feed.set(salmon...)
	ts := httptest.NewServer(feed)
	t.Cleanup(ts.Close)
	src := e.sources(ts.URL + "/feed.xml")[0]
	if r := e.poll(src); r.Err != nil {
		t.Fatal(r.Err)
	}
	return e, feed, src
}

func (e *env) rowID(title string) int64 { return e.itemByTitle(title).RowID }

func (e *env) hints(id int64) []int64 {
	e.t.Helper()
	hits, complete, err := e.poller.Hints(context.Background(), []int64{id}, 5)
	if err != nil || !complete {
		e.t.Fatal(complete, err)
	}
	var ids []int64
	for _, h := range hits[id] {
		ids = append(ids, h.ID)
	}
	return ids
}

// Related entries are computed once and kept: a later closer entry enters
// an entry's hints when it is itself ranked (it challenges the entry) or
// when many entries have come since; a restart with an empty index serves
// the stored hints.
func TestHintsAreStoredAndRefreshed(t *testing.T) {
	e, feed, src := salmonEnv(t)
	s1, s2 := e.rowID("Salmon return to the river weir"), e.rowID("Fish ladder helps salmon past the weir")
	if got := e.hints(s1); !slices.Equal(got, []int64{s2}) {
		t.Fatalf("hints of s1 = %v, want [%d]", got, s2)
	}

	// A third salmon story: s1's stored hints stand until the new one is
	// ranked itself and challenges them.
	third := story("s3", "Salmon ladder at the weir draws crowds", "Crowds watched salmon climb the new fish ladder at the river weir during the spawning run.")
	feed.set(append(slices.Clone(salmon), third)...)
	e.clock.Set(e.clock.Now().Add(time.Hour))
	if r := e.poll(src); r.Err != nil {
		t.Fatal(r.Err)
	}
	s3 := e.rowID("Salmon ladder at the weir draws crowds")
	if got := e.hints(s1); !slices.Equal(got, []int64{s2}) {
		t.Fatalf("hints of s1 = %v: recomputed before anything said they were stale", got)
	}
	if got := e.hints(s3); !slices.Contains(got, s1) {
		t.Fatalf("hints of s3 = %v, want s1 among them", got)
	}
	if got := e.hints(s1); !slices.Contains(got, s3) || !slices.Contains(got, s2) {
		t.Fatalf("hints of s1 = %v after s3 ranked it: want s2 and s3", got)
	}

	// A restart: the new poller's index is empty until loaded, and the
	// stored hints are served as they are.
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	f := fetch.New(fetch.Options{Timeout: time.Second, MaxBodyBytes: 1 << 20, UserAgent: "Tributary/test", AllowPrivate: true})
	t.Cleanup(f.Close)
	restarted := aggregator.NewPoller(e.store, f, aggregator.PollerOptions{Now: e.clock.Now, Log: log})
	loading := restarted.StartLoadingRelated(context.Background())
	before, _, err := restarted.Hints(context.Background(), []int64{s1}, 5)
	if err != nil {
		t.Fatal(err)
	}
	if err := <-loading; err != nil {
		t.Fatal(err)
	}
	if len(before[s1]) != 2 {
		t.Errorf("hints of s1 while the index loads: %v, want the 2 stored", before[s1])
	}

	// Many new entries make stored hints stale: a fourth salmon story
	// arriving with them enters s1's hints without being ranked itself.
	fourth := story("s4", "Weir fish ladder: salmon count doubles", "The salmon count at the river weir doubled since the fish ladder opened for the spawning run.")
	feed.set(append(append(slices.Clone(salmon), third, fourth), unrelated(120)...)...)
	e.clock.Set(e.clock.Now().Add(time.Hour))
	if r := e.poll(src); r.Err != nil {
		t.Fatal(r.Err)
	}
	s4 := e.rowID("Weir fish ladder: salmon count doubles")
	if got := e.hints(s1); !slices.Contains(got, s4) {
		t.Errorf("hints of s1 = %v after 121 new entries, want s4 among them", got)
	}
}

// A call computes at most HintBudget entries' hints, those never computed
// first, and says when it left some for later.
func TestHintBudget(t *testing.T) {
	e, _, _ := salmonEnv(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	f := fetch.New(fetch.Options{Timeout: time.Second, MaxBodyBytes: 1 << 20, UserAgent: "Tributary/test", AllowPrivate: true})
	t.Cleanup(f.Close)
	budgeted := aggregator.NewPoller(e.store, f, aggregator.PollerOptions{Now: e.clock.Now, Log: log, HintBudget: 1})
	if err := budgeted.LoadRelated(context.Background()); err != nil {
		t.Fatal(err)
	}
	s1, s2 := e.rowID("Salmon return to the river weir"), e.rowID("Fish ladder helps salmon past the weir")
	ask := func(ids ...int64) (map[int64][]related.Hit, bool) {
		hits, complete, err := budgeted.Hints(context.Background(), ids, 5)
		if err != nil {
			t.Fatal(err)
		}
		return hits, complete
	}
	if _, complete := ask(s1); !complete {
		t.Fatal("one entry within a budget of one: incomplete")
	}
	k1 := e.rowID("Kayak routes for beginners")
	// s1 is stored; s2 and k1 were never computed: s2, asked first, is.
	hits, complete := ask(s1, s2, k1)
	if complete || len(hits[s2]) != 1 || hits[s2][0].ID != s1 || len(hits[s1]) != 1 {
		t.Fatalf("second call: complete %v, hints %v", complete, hits)
	}
	if _, complete := ask(s1, s2, k1); !complete {
		t.Error("k1 computed by the third call, yet incomplete")
	}
	if _, complete := ask(s1, s2, k1); !complete {
		t.Error("all stored, yet incomplete")
	}
}

// The related-entries index is bounded in entries and in words, by the
// options or else by the defaults.
func TestRelatedIndexBounds(t *testing.T) {
	e := newEnv(t, time.Second)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	f := fetch.New(fetch.Options{Timeout: time.Second, MaxBodyBytes: 1 << 20, UserAgent: "Tributary/test"})
	t.Cleanup(f.Close)
	for _, c := range []struct{ entries, terms, wantEntries, wantTerms int }{
		{0, 0, aggregator.DefaultRelatedEntries, aggregator.DefaultRelatedTerms},
		{500, 20_000, 500, 20_000},
	} {
		p := aggregator.NewPoller(e.store, f, aggregator.PollerOptions{Now: e.clock.Now, Log: log, RelatedEntries: c.entries, RelatedTerms: c.terms})
		if entries, terms := aggregator.RelatedBounds(p); entries != c.wantEntries || terms != c.wantTerms {
			t.Errorf("options %d entries, %d terms: index bounded at %d, %d; want %d, %d", c.entries, c.terms, entries, terms, c.wantEntries, c.wantTerms)
		}
	}
}
