package publisher_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tributary/tributary/aggregator"
	"github.com/tributary/tributary/aggregator/fetch"
	"github.com/tributary/tributary/aggregator/store"
	"github.com/tributary/tributary/config"
	"github.com/tributary/tributary/publisher"
)

// exampleFeeds are the testdata feeds the example config polls.
var exampleFeeds = []string{"rss.xml", "atom.xml", "feed.json", "gb2312.xml", "repeats.xml", "nodates.xml", "future.xml", "unsafe.xml"}

// site is a publisher over a real SQLite store filled from testdata feeds.
type site struct {
	t       testing.TB
	dbPath  string
	store   *store.Store
	server  *httptest.Server
	pub     *publisher.Server
	fetcher *fetch.Fetcher
	poller  *aggregator.Poller
	now     time.Time
	future  string // future_dates policy of the sources polled next
	cats    *aggregator.Categories
}

func newSite(t testing.TB, dbPath string, feeds []string) *site {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	s := &site{t: t, dbPath: dbPath, store: st, now: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s.fetcher = fetch.New(fetch.Options{Timeout: 5 * time.Second, MaxBodyBytes: 1 << 20, MaxRedirects: 3, UserAgent: "test", AllowPrivate: true})
	s.poller = aggregator.NewPoller(st, s.fetcher, aggregator.PollerOptions{
		Now: func() time.Time { return s.now }, Log: log, Workers: 4, PerHost: 2, DedupWindow: 7 * 24 * time.Hour,
	})
	if err := s.poller.LoadIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	s.poll(feeds)
	pub := publisher.New(st, s.poller, publisher.Settings{
		Title: "Test News", BaseURL: "https://news.example.org/", ItemsPerFeed: 50, RelatedMax: 5, RelatedInContent: true,
	}, func() time.Time { return s.now }, log)
	s.pub = pub
	s.server = httptest.NewServer(pub)
	t.Cleanup(s.close)
	return s
}

func (s *site) close() {
	if s.server != nil {
		s.server.Close()
		s.server = nil
	}
	if s.fetcher != nil {
		s.fetcher.Close()
		s.fetcher = nil
	}
	if s.store != nil {
		s.store.Close()
		s.store = nil
	}
}

// poll syncs feeds (names under testdata/feeds) as the configured sources,
// in that order, and polls them all once.
func (s *site) poll(feeds []string) {
	s.t.Helper()
	var paths []string
	for _, name := range feeds {
		paths = append(paths, filepath.Join("..", "testdata", "feeds", name))
	}
	s.pollPaths(paths...)
}

// pollPaths is poll for feed files anywhere.
func (s *site) pollPaths(paths ...string) {
	s.t.Helper()
	var targets []aggregator.Target
	var cfgs []store.SourceConfig
	for _, path := range paths {
		abs, err := filepath.Abs(path)
		if err != nil {
			s.t.Fatal(err)
		}
		src := config.Source{URL: filepath.ToSlash(path), Location: "file://" + abs}
		targets = append(targets, aggregator.Target{Source: src, FutureDates: s.future, Categories: s.cats})
		cfgs = append(cfgs, store.SourceConfig{URL: src.URL, Location: src.Location, FutureDates: s.future})
	}
	if err := s.store.SyncSources(context.Background(), cfgs); err != nil {
		s.t.Fatal(err)
	}
	for _, r := range s.poller.PollAll(context.Background(), targets, true) {
		if r.Err != nil {
			s.t.Fatalf("poll %s: %v", r.Source, r.Err)
		}
	}
}

// plainTransport neither asks for gzip nor decompresses it, so tests see
// exactly what the server sends.
var plainTransport = &http.Transport{DisableCompression: true}

// get fetches path with the given request headers.
func (s *site) get(path string, header ...string) (*http.Response, []byte) {
	s.t.Helper()
	req, err := http.NewRequest("GET", s.server.URL+path, nil)
	if err != nil {
		s.t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := plainTransport.RoundTrip(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	return resp, body
}

func (s *site) body(path string) []byte {
	s.t.Helper()
	resp, body := s.get(path)
	if resp.StatusCode != http.StatusOK {
		s.t.Fatalf("GET %s: %s", path, resp.Status)
	}
	return body
}

func sharedDir(t *testing.T, parts ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{"..", "..", "shared"}, parts...)...)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("%s is absent (../shared/ is not on this machine): %v", p, err)
	}
	return p
}

// writeFile writes body to dir/name and returns the path.
func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
