package aggregator_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
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

// A feed that lists thousands of fresh items at every poll adds at most
// max_items a poll, and its source keeps at most max_per_source entries.
func TestPollBoundsEndlessFreshItems(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	var poll atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := poll.Add(1)
		var b strings.Builder
		b.WriteString(`<rss version="2.0"><channel><title>Flood</title>`)
		for i := range 2000 {
			fmt.Fprintf(&b, `<item><guid>p%d-i%d</guid><title>Item %d of poll %d</title></item>`, n, i, i, n)
		}
		b.WriteString(`</channel></rss>`)
		w.Write([]byte(b.String()))
	}))
	defer ts.Close()
	quiet := e.sources("rss.xml")[0]
	if r := e.poll(quiet); r.Outcome != aggregator.Updated {
		t.Fatalf("quiet source: %+v", r)
	}
	src := e.sources(ts.URL, "rss.xml")[0]
	src.MaxItems, src.MaxEntries = 300, 700
	for i := range 4 {
		r := e.poll(src)
		if r.Outcome != aggregator.Updated || r.Counts.New != 300 {
			t.Fatalf("poll %d: %+v, want 300 new", i+1, r)
		}
		e.clock.Set(e.clock.Now().Add(time.Hour))
	}
	var flood, other int
	for _, it := range e.items() {
		if strings.HasPrefix(it.Title, "Item ") {
			flood++
		} else {
			other++
		}
	}
	if flood != 700 {
		t.Errorf("the flooding source keeps %d entries, want max_per_source 700", flood)
	}
	if other != 3 {
		t.Errorf("the other source keeps %d entries, want its 3", other)
	}
}

// A feed nested 60,000 deep is refused with a clear error; the source
// fails, and the daemon's other sources are untouched.
func TestPollRefusesDeepNesting(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	deep := serveBody(t, `<rss version="2.0" xmlns:x="urn:x"><channel><title>t</title><item><guid>a</guid>`+
		strings.Repeat("<x:a>", 60_000)+strings.Repeat("</x:a>", 60_000)+`</item></channel></rss>`)
	targets := e.sources(deep, "rss.xml")
	results := e.poller.PollAll(context.Background(), targets, true)
	if results[0].Outcome != aggregator.Failed || !strings.Contains(results[0].Err.Error(), "deep") {
		t.Errorf("deep source: %+v", results[0])
	}
	if results[1].Outcome != aggregator.Updated || results[1].Counts.New != 3 {
		t.Errorf("other source: %+v", results[1])
	}
}

// Twenty items sharing one non-permalink GUID and no link were once given
// the channel link as their URL and collapsed into one entry.
func TestPollKeepsItemsThatShareAGUID(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	var items []string
	for i := range 20 {
		items = append(items, fmt.Sprintf(`<item><guid isPermaLink="false">story</guid><title>Story %d</title><description>Text of story %d.</description></item>`, i, i))
	}
	src := e.sources(serveBody(t, rssOf(items...)))[0]
	r := e.poll(src)
	if r.Outcome != aggregator.Updated || r.Counts.New != 20 {
		t.Fatalf("poll: %+v, want 20 new", r)
	}
	for _, it := range e.items() {
		if it.URL != "" {
			t.Errorf("%s: URL %q, want none (the GUID is not a permalink)", it.Title, it.URL)
		}
	}
	st, _ := e.store.Source(context.Background(), src.Source.URL)
	if len(st.Notices) != 1 || !strings.Contains(st.Notices[0], "20 items") {
		t.Errorf("notices %q, want one saying 20 items were told apart by content", st.Notices)
	}
}

// A server that answers 304 although we sent no validator would keep the
// source empty for ever: the source gets a notice.
func TestPollNotModifiedWithoutValidators(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotModified)
	}))
	defer ts.Close()
	src := e.sources(ts.URL)[0]
	r := e.poll(src)
	if r.Outcome != aggregator.NotModified || len(r.Notices) != 1 {
		t.Fatalf("poll: %+v, want not-modified with a notice", r)
	}
	st, _ := e.store.Source(context.Background(), src.Source.URL)
	if len(st.Notices) != 1 || !strings.Contains(st.Notices[0], "304") {
		t.Errorf("notices %q", st.Notices)
	}
}

// A feed that parses to no entries says so in the source's notices.
func TestEmptyFeedIsANotice(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	src := e.sources(serveBody(t, rssOf()))[0]
	r := e.poll(src)
	if r.Err != nil || len(r.Notices) != 1 || r.Notices[0] != "the feed (read as rss) has no entries" {
		t.Fatalf("poll of an empty feed: %+v", r)
	}
	st, _ := e.store.Source(context.Background(), src.Source.URL)
	if len(st.Notices) != 1 {
		t.Errorf("stored notices %q", st.Notices)
	}
}
