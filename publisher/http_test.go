package publisher_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tributary/tributary/aggregator/related"
	"github.com/tributary/tributary/publisher"
)

func TestConditionalRequestsAndGzip(t *testing.T) {
	s := newSite(t, filepath.Join(t.TempDir(), "t.db"), []string{"rss.xml"})
	for _, path := range []string{"/feed.atom", "/feed.rss", "/feed.json", "/"} {
		resp, plain := s.get(path)
		etag, lastMod := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
		if resp.StatusCode != 200 || etag == "" || lastMod == "" {
			t.Fatalf("%s: %s, ETag %q, Last-Modified %q", path, resp.Status, etag, lastMod)
		}
		if path == "/" && (resp.Header.Get("Content-Security-Policy") == "" || resp.Header.Get("X-Content-Type-Options") != "nosniff") {
			t.Errorf("the page lacks its security headers: %v", resp.Header)
		}
		r, body := s.get(path, "If-None-Match", etag)
		if r.StatusCode != http.StatusNotModified || len(body) != 0 {
			t.Errorf("%s with If-None-Match: %s", path, r.Status)
		}
		// A 304 carries what a cache needs to update its copy (RFC 9110
		// 15.4.5), not the representation's own headers.
		if r.Header.Get("ETag") != etag || r.Header.Get("Cache-Control") == "" || r.Header.Get("Vary") != "Accept-Encoding" || r.Header.Get("Content-Type") != "" {
			t.Errorf("%s: 304 headers %v", path, r.Header)
		}
		if r, _ := s.get(path, "If-Modified-Since", lastMod); r.StatusCode != http.StatusNotModified {
			t.Errorf("%s with If-Modified-Since: %s", path, r.Status)
		}
		if r, _ := s.get(path, "If-None-Match", `"stale"`); r.StatusCode != http.StatusOK {
			t.Errorf("%s with a stale ETag: %s", path, r.Status)
		}

		r, gz := s.get(path, "Accept-Encoding", "gzip, deflate")
		if r.Header.Get("Content-Encoding") != "gzip" || r.Header.Get("Vary") != "Accept-Encoding" {
			t.Fatalf("%s: Content-Encoding %q, Vary %q", path, r.Header.Get("Content-Encoding"), r.Header.Get("Vary"))
		}
		if r.Header.Get("ETag") == etag {
			t.Errorf("%s: gzipped and plain bodies share the ETag %s", path, etag)
		}
		zr, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			t.Fatal(err)
		}
		unzipped, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(unzipped, plain) {
			t.Errorf("%s: gzipped body differs from the plain one (%v)", path, err)
		}
		if len(gz) >= len(plain) {
			t.Errorf("%s: gzip did not shrink %d bytes (got %d)", path, len(plain), len(gz))
		}
	}
}

func TestOutputChangesWhenTheStoreDoes(t *testing.T) {
	s := newSite(t, filepath.Join(t.TempDir(), "t.db"), []string{"rss.xml"})
	resp, first := s.get("/feed.atom")
	etag := resp.Header.Get("ETag")
	lastMod, _ := http.ParseTime(resp.Header.Get("Last-Modified"))
	if _, again := s.get("/feed.atom"); !bytes.Equal(first, again) {
		t.Error("two renders of an unchanged store differ")
	}

	s.now = s.now.Add(time.Hour)
	s.poll([]string{"rss.xml", "atom.xml"})
	resp, body := s.get("/feed.atom", "If-None-Match", etag)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("after new entries, If-None-Match with the old ETag: %s", resp.Status)
	}
	if !bytes.Contains(body, []byte("Sediment maps updated")) {
		t.Error("new entry missing from the re-rendered feed")
	}
	newMod, _ := http.ParseTime(resp.Header.Get("Last-Modified"))
	if !newMod.After(lastMod) {
		t.Errorf("Last-Modified did not move forward: %v then %v", lastMod, newMod)
	}
}

func TestHealthz(t *testing.T) {
	s := newSite(t, filepath.Join(t.TempDir(), "t.db"), []string{"rss.xml", "atom.xml"})
	resp, body := s.get("/healthz")
	if resp.StatusCode != 200 {
		t.Fatalf("healthz: %s", resp.Status)
	}
	var h struct {
		Status   string     `json:"status"`
		Sources  int        `json:"sources"`
		LastPoll *time.Time `json:"last_poll"`
		Failing  []any      `json:"failing"`
	}
	if err := json.Unmarshal(body, &h); err != nil {
		t.Fatal(err)
	}
	if h.Status != "ok" || h.Sources != 2 || h.LastPoll == nil || !h.LastPoll.Equal(s.now) || len(h.Failing) != 0 {
		t.Errorf("healthz = %s", body)
	}
}

func TestHeldEntryAppearsWhenDue(t *testing.T) {
	s := newSite(t, filepath.Join(t.TempDir(), "t.db"), nil)
	s.future = "hold"
	s.poll([]string{"future.xml"})
	if body := s.body("/feed.atom"); bytes.Contains(body, []byte("Announcement from the future")) {
		t.Fatal("an entry dated 2099 is shown under future_dates: hold")
	}
	if body := s.body("/feed.json"); !bytes.Contains(body, []byte("An ordinary post")) {
		t.Fatal("the ordinary entry of a hold source is missing")
	}
	s.now = time.Date(2099, 1, 1, 0, 0, 1, 0, time.UTC)
	body := s.body("/feed.atom")
	if !bytes.Contains(body, []byte("Announcement from the future")) {
		t.Error("the held entry did not appear once due (cached output not refreshed)")
	}
	if !bytes.Contains(body, []byte("<published>2099-01-01T00:00:00Z</published>")) {
		t.Error("the held entry lost its date")
	}
}

// A client that goes away before its response is written is not an error
// in the log, and the rendering it started still fills the cache.
func TestClientGoneIsNotAnError(t *testing.T) {
	s := newSite(t, filepath.Join(t.TempDir(), "t.db"), []string{"rss.xml"})
	var logBuf bytes.Buffer
	pub := publisher.New(s.store, s.poller, publisher.Settings{
		Title: "Test News", BaseURL: "https://news.example.org/", ItemsPerFeed: 50, RelatedMax: 5,
	}, func() time.Time { return s.now }, slog.New(slog.NewTextHandler(&logBuf, nil)))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, path := range []string{"/feed.atom", "/", "/category/rivers.rss"} {
		req := httptest.NewRequest("GET", path, nil).WithContext(ctx)
		pub.ServeHTTP(httptest.NewRecorder(), req)
	}
	if strings.Contains(logBuf.String(), "ERROR") {
		t.Errorf("a client that went away was logged as an error:\n%s", logBuf.String())
	}
}

// gateHints are related entries that wait for a gate while it is closed,
// so that a test can hold a render half-way.
type gateHints struct {
	mu      sync.Mutex
	gate    chan struct{} // nil: open
	entered chan struct{}
}

func (g *gateHints) Hints(context.Context, []int64, int) (map[int64][]related.Hit, bool, error) {
	g.mu.Lock()
	gate, entered := g.gate, g.entered
	g.mu.Unlock()
	if gate != nil {
		select {
		case entered <- struct{}{}:
		default:
		}
		<-gate
	}
	return nil, true, nil
}

// While the store has changed and one request renders the feed again, other
// requests get the previous bytes at once instead of waiting for it.
func TestRequestsDuringARenderGetThePreviousBytes(t *testing.T) {
	s := newSite(t, filepath.Join(t.TempDir(), "t.db"), []string{"rss.xml"})
	hints := &gateHints{}
	pub := publisher.New(s.store, hints, publisher.Settings{
		Title: "Test News", BaseURL: "https://news.example.org/", ItemsPerFeed: 50, RelatedMax: 5,
	}, func() time.Time { return s.now }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	get := func() string {
		rec := httptest.NewRecorder()
		pub.ServeHTTP(rec, httptest.NewRequest("GET", "/feed.json", nil))
		return rec.Body.String()
	}
	before := get()
	if strings.Contains(before, "Delta") {
		t.Fatal("the Atom feed's entries are there before it was polled")
	}

	gate := make(chan struct{})
	hints.mu.Lock()
	hints.gate, hints.entered = gate, make(chan struct{}, 1)
	hints.mu.Unlock()
	s.poll([]string{"atom.xml"}) // the store changes
	rendering := make(chan string)
	go func() { rendering <- get() }()
	<-hints.entered // the first request is rendering, held in the related index

	done := make(chan string)
	go func() { done <- get() }()
	select {
	case body := <-done:
		if body != before {
			t.Error("a request during the render did not get the previous bytes")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a request during the render waited for it")
	}
	close(gate)
	hints.mu.Lock()
	hints.gate = nil
	hints.mu.Unlock()
	if body := <-rendering; body == before {
		t.Error("the rendering request got the old bytes")
	}
	if body := get(); body == before {
		t.Error("after the render, the new bytes are not served")
	}
}

// With a Freshness set, the request that starts a render waits for it only
// so long, then gets the previous bytes; and while the store keeps
// changing, an output is rendered at most once per Freshness.Every.
func TestFreshnessBoundsWaitsAndRenders(t *testing.T) {
	s := newSite(t, filepath.Join(t.TempDir(), "t.db"), []string{"rss.xml"})
	hints := &gateHints{}
	pub := publisher.New(s.store, hints, publisher.Settings{
		Title: "Test News", BaseURL: "https://news.example.org/", ItemsPerFeed: 50, RelatedMax: 5,
	}, func() time.Time { return s.now }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	pub.SetFreshness(publisher.Freshness{Wait: 10 * time.Millisecond, Every: time.Hour})
	get := func() string {
		rec := httptest.NewRecorder()
		pub.ServeHTTP(rec, httptest.NewRequest("GET", "/feed.json", nil))
		return rec.Body.String()
	}
	before := get() // the first rendering is waited for
	if !strings.Contains(before, "Counting salmon") {
		t.Fatalf("first rendering lacks the polled entries:\n%s", before)
	}
	s.poll([]string{"atom.xml"})
	if body := get(); body != before {
		t.Error("rendered again within Freshness.Every")
	}

	// Every passed: the request starts a render, held in the related
	// index, and is answered with the previous bytes after Wait.
	pub.SetFreshness(publisher.Freshness{Wait: 10 * time.Millisecond})
	gate := make(chan struct{})
	hints.mu.Lock()
	hints.gate, hints.entered = gate, make(chan struct{}, 1)
	hints.mu.Unlock()
	answered := make(chan string)
	go func() { answered <- get() }()
	select {
	case body := <-answered:
		if body != before {
			t.Error("the request that started a render did not get the previous bytes")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the request that started a render waited past Freshness.Wait")
	}
	<-hints.entered
	hints.mu.Lock()
	hints.gate = nil
	hints.mu.Unlock()
	close(gate)
	deadline := time.Now().Add(10 * time.Second)
	for get() == before {
		if time.Now().After(deadline) {
			t.Fatal("the render that went on was never served")
		}
		time.Sleep(time.Millisecond)
	}
	if !strings.Contains(get(), "Delta") {
		t.Error("the new rendering lacks the new entries")
	}
}

// BenchmarkServe times the handler alone (no connection) answering the
// page from ready bytes: gzipped, and 304 to its ETag. Its allocations are
// the ones per request that the serving figures in BENCHMARKS.md pay for.
func BenchmarkServe(b *testing.B) {
	s := newSite(b, filepath.Join(b.TempDir(), "t.db"), exampleFeeds)
	resp, _ := s.get("/", "Accept-Encoding", "gzip")
	etag := resp.Header.Get("ETag")
	for _, bc := range []struct {
		name   string
		header []string
		want   int
	}{
		{"gzip", []string{"Accept-Encoding", "gzip, deflate, br"}, http.StatusOK},
		{"304", []string{"Accept-Encoding", "gzip, deflate, br", "If-None-Match", etag}, http.StatusNotModified},
	} {
		b.Run(bc.name, func(b *testing.B) {
			r := httptest.NewRequest("GET", "/", nil)
			for i := 0; i+1 < len(bc.header); i += 2 {
				r.Header.Set(bc.header[i], bc.header[i+1])
			}
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				s.pub.ServeHTTP(w, r)
				if w.Code != bc.want {
					b.Fatalf("status %d, want %d", w.Code, bc.want)
				}
			}
		})
	}
}
