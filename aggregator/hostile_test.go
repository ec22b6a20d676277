package aggregator_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tributary/tributary/aggregator"
	"github.com/tributary/tributary/aggregator/parse"
)

// serveBody serves body as RSS at a fresh loopback server and returns its URL.
func serveBody(t *testing.T, body string) string {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write([]byte(body))
	}))
	t.Cleanup(ts.Close)
	return ts.URL + "/feed.xml"
}

// rssOf wraps items in an RSS 2.0 document.
func rssOf(items ...string) string {
	return `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>http://site.example/</link>` +
		strings.Join(items, "") + `</channel></rss>`
}

// The three bytes "&#;" once panicked the entity fixer, and with it the
// daemon, at every poll.
func TestPollEmptyNumericReference(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	src := e.sources(serveBody(t, rssOf(`<item><guid>a</guid><title>AT&#;T news</title><description>x &#x; y</description></item>`)))[0]
	r := e.poll(src)
	if r.Outcome != aggregator.Updated || r.Counts.New != 1 {
		t.Fatalf("poll: %+v", r)
	}
	if got := e.items()[0].Title; got != "AT&#;T news" {
		t.Errorf("title %q, want the reference kept as text", got)
	}
}

// A panic while polling one source is that source's failure: it is recorded
// with back-off, the other sources are polled, and their entries stored.
func TestPollPanicIsTheSourcesFailure(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	good := serveBody(t, rssOf(`<item><guid>g</guid><title>Good</title></item>`))
	bad := serveBody(t, rssOf(`<item><guid>b</guid><title>PANIC</title></item>`))
	aggregator.SetParseForTest(e.poller, func(body []byte, ct, enc string) (*parse.Result, error) {
		if strings.Contains(string(body), "PANIC") {
			var m map[string]int
			m["boom"]++ // a nil-map write: a real runtime panic
		}
		return parse.Parse(body, ct, enc)
	})
	targets := e.sources(good, bad)
	results := e.poller.PollAll(context.Background(), targets, true)
	if results[0].Outcome != aggregator.Updated {
		t.Errorf("good source: %+v", results[0])
	}
	if results[1].Outcome != aggregator.Failed || !strings.Contains(results[1].Err.Error(), "panic") {
		t.Fatalf("panicking source: %+v", results[1])
	}
	st, err := e.store.Source(context.Background(), bad)
	if err != nil {
		t.Fatal(err)
	}
	if st.Failures != 1 || !strings.Contains(st.LastError, "panic") || !st.NextPoll.After(e.clock.Now()) {
		t.Errorf("failing source state: failures %d, error %q, next poll %v", st.Failures, st.LastError, st.NextPoll)
	}
	if items := e.items(); len(items) != 1 || items[0].Title != "Good" {
		t.Errorf("stored %+v, want the good source's entry", items)
	}
}
