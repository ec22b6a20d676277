package publisher_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tributary/tributary/aggregator"
	"github.com/tributary/tributary/aggregator/store"
	"github.com/tributary/tributary/config"
	"github.com/tributary/tributary/config/opml"
	"github.com/tributary/tributary/publisher"
)

// /sources.json and /sources list every source with its state, and
// /healthz says "degraded" while one fails or after a refused reload.
func TestSourcesAndDegradedHealth(t *testing.T) {
	s := newSite(t, filepath.Join(t.TempDir(), "t.db"), []string{"rss.xml"})
	// A second source, whose file is missing: its poll fails.
	rss, _ := filepath.Abs(filepath.Join("..", "testdata", "feeds", "rss.xml"))
	missing := filepath.Join(t.TempDir(), "no-such-feed.xml")
	if err := s.store.SyncSources(context.Background(), []store.SourceConfig{
		{URL: filepath.ToSlash(filepath.Join("..", "testdata", "feeds", "rss.xml")), Location: "file://" + rss},
		{URL: missing, Location: "file://" + missing},
	}); err != nil {
		t.Fatal(err)
	}
	r := s.poller.PollAll(context.Background(), []aggregator.Target{{Source: config.Source{URL: missing, Location: "file://" + missing}}}, false)
	if r[0].Outcome != aggregator.Failed {
		t.Fatalf("poll of a missing file: %+v", r[0])
	}
	pub := publisher.New(s.store, s.poller, publisher.Settings{Title: "Test News", BaseURL: "https://news.example.org/", ItemsPerFeed: 50},
		func() time.Time { return s.now }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	get := func(path string) string {
		rec := httptest.NewRecorder()
		pub.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != 200 {
			t.Fatalf("%s: %d", path, rec.Code)
		}
		return rec.Body.String()
	}

	var sum struct {
		Sources []aggregator.SourceStatus `json:"sources"`
	}
	body := get("/sources.json")
	if err := json.Unmarshal([]byte(body), &sum); err != nil {
		t.Fatal(err)
	}
	var counts map[string]any
	json.Unmarshal([]byte(body), &counts)
	if counts["total"] != 2.0 || counts["ok"] != 1.0 || counts["backing_off"] != 1.0 || len(sum.Sources) != 2 {
		t.Fatalf("/sources.json counts wrong:\n%s", body)
	}
	byName := map[string]aggregator.SourceStatus{}
	for _, src := range sum.Sources {
		byName[src.URL] = src
	}
	ok, bad := byName["local file rss.xml"], byName["local file no-such-feed.xml"]
	if ok.State != "ok" || ok.Entries != 3 || ok.LastSuccess == nil || !ok.LastSuccess.Equal(s.now) || ok.LastError != "" {
		t.Errorf("the good source: %+v", ok)
	}
	if bad.State != "backing_off" || bad.Failures != 1 || bad.LastError == "" || bad.LastErrorAt == nil ||
		bad.NextPoll == nil || !bad.NextPoll.After(s.now) || !strings.HasPrefix(bad.Waiting, "back-off after a failure, until ") {
		t.Errorf("the failing source: %+v", bad)
	}
	page := get("/sources")
	for _, want := range []string{"2 sources: 1 ok, 0 failing, 1 backing off", "local file no-such-feed.xml", "backing_off (1×)"} {
		if !strings.Contains(page, want) {
			t.Errorf("/sources lacks %q", want)
		}
	}

	var health struct {
		Status        string `json:"status"`
		ReloadRefused string `json:"reload_refused"`
	}
	json.Unmarshal([]byte(get("/healthz")), &health)
	if health.Status != "degraded" {
		t.Errorf("healthz status %q with a failing source, want degraded", health.Status)
	}
	s.poll([]string{"rss.xml"}) // the failing source leaves the config
	json.Unmarshal([]byte(get("/healthz")), &health)
	if health.Status != "ok" {
		t.Errorf("healthz status %q with no failing source, want ok", health.Status)
	}
	pub.SetReloadRefused("refused at T")
	json.Unmarshal([]byte(get("/healthz")), &health)
	if health.Status != "degraded" || health.ReloadRefused != "refused at T" {
		t.Errorf("healthz after a refused reload: %+v", health)
	}
	if !strings.Contains(get("/sources"), "The last reload was refused") {
		t.Error("/sources does not say the last reload was refused")
	}
}

// /sources.opml lists the http(s) sources for another reader, without
// their credentials or query, and without local files.
func TestSourcesOPML(t *testing.T) {
	s := newSite(t, filepath.Join(t.TempDir(), "t.db"), nil)
	if err := s.store.SyncSources(context.Background(), []store.SourceConfig{
		{URL: "https://alice:hunter2@feeds.example/rivers.xml?token=SECRET", Location: "https://alice:hunter2@feeds.example/rivers.xml?token=SECRET", Name: "Rivers"},
		{URL: "../testdata/feeds/rss.xml", Location: "file:///tmp/rss.xml"},
	}); err != nil {
		t.Fatal(err)
	}
	pub := publisher.New(s.store, nil, publisher.Settings{Title: "Test News", BaseURL: "https://news.example.org/", ItemsPerFeed: 50},
		func() time.Time { return s.now }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	rec := httptest.NewRecorder()
	pub.ServeHTTP(rec, httptest.NewRequest("GET", "/sources.opml", nil))
	body := rec.Body.String()
	subs, _, err := opml.Parse(strings.NewReader(body))
	if err != nil || rec.Code != 200 {
		t.Fatalf("%d %v\n%s", rec.Code, err, body)
	}
	if len(subs) != 1 || subs[0].FeedURL != "https://feeds.example/rivers.xml" || subs[0].Title != "Rivers" {
		t.Errorf("/sources.opml = %+v", subs)
	}
	for _, secret := range []string{"hunter2", "SECRET", "alice", "rss.xml"} {
		if strings.Contains(body, secret) {
			t.Errorf("/sources.opml contains %q:\n%s", secret, body)
		}
	}
}

// /sources.atom has an entry when a source starts failing (once, however
// many failures follow), recovers, or is gone.
func TestSourceEventsFeed(t *testing.T) {
	var status atomic.Int32
	status.Store(200)
	body, _ := os.ReadFile(filepath.Join("..", "testdata", "feeds", "rss.xml"))
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if code := int(status.Load()); code != 200 {
			http.Error(w, "no", code)
			return
		}
		w.Write(body)
	}))
	defer ts.Close()
	s := newSite(t, filepath.Join(t.TempDir(), "t.db"), nil)
	src := config.Source{URL: ts.URL + "/feed.xml", Location: ts.URL + "/feed.xml", Name: "Salmon"}
	if err := s.store.SyncSources(context.Background(), []store.SourceConfig{{URL: src.URL, Location: src.Location, Name: "Salmon"}}); err != nil {
		t.Fatal(err)
	}
	for _, code := range []int32{200, 500, 503, 200, 410, 410} {
		status.Store(code)
		s.now = s.now.Add(time.Hour)
		s.poller.PollAll(context.Background(), []aggregator.Target{{Source: src}}, true)
	}
	pub := publisher.New(s.store, nil, publisher.Settings{Title: "Test News", BaseURL: "https://news.example.org/", ItemsPerFeed: 50},
		func() time.Time { return s.now }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	rec := httptest.NewRecorder()
	pub.ServeHTTP(rec, httptest.NewRequest("GET", "/sources.atom", nil))
	var feed struct {
		Entries []struct {
			Title   string `xml:"title"`
			ID      string `xml:"id"`
			Summary string `xml:"content"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(rec.Body.Bytes(), &feed); err != nil {
		t.Fatalf("%v\n%s", err, rec.Body.String())
	}
	var titles []string
	for _, e := range feed.Entries {
		titles = append(titles, e.Title)
	}
	want := []string{"Salmon is gone", "Salmon recovered", "Salmon is failing"}
	if strings.Join(titles, "|") != strings.Join(want, "|") {
		t.Errorf("entries %q, want %q\n%s", titles, want, rec.Body.String())
	}
	if len(feed.Entries) == 3 && !strings.Contains(feed.Entries[1].Summary, "HTTP 503") {
		t.Errorf("the recovery does not say the last error: %q", feed.Entries[1].Summary)
	}
}
