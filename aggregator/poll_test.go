package aggregator_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tributary/tributary/aggregator"
	"github.com/tributary/tributary/config"
)

// validatingServer serves body with an ETag and Last-Modified and answers
// matching conditional requests with 304. It records the requests.
type validatingServer struct {
	mu       sync.Mutex
	body     []byte
	etag     string
	requests []http.Header
}

func (s *validatingServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, r.Header.Clone())
	w.Header().Set("ETag", s.etag)
	w.Header().Set("Last-Modified", "Sun, 01 Mar 2026 10:00:00 GMT")
	if r.Header.Get("If-None-Match") == s.etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/rss+xml")
	w.Write(s.body)
}

// serveRSS starts a validatingServer serving the rss.xml testdata feed
// under ETag "v1", registers it as a source and returns the server, the
// feed's bytes and the source.
func (e *env) serveRSS(t *testing.T) (*validatingServer, []byte, aggregator.Target) {
	t.Helper()
	srv := &validatingServer{}
	body := readFeed(t, "rss.xml") // items of Jan, Feb and Mar 2026
	srv.set(body, `"v1"`)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return srv, body, e.sources(ts.URL)[0]
}

func (s *validatingServer) set(body []byte, etag string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.body, s.etag = body, etag
}

func TestPollUnchangedSourceTwice(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	srv := &validatingServer{}
	srv.set(readFeed(t, "rss.xml"), `"v1"`)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	src := e.sources(ts.URL + "/feed.xml")[0]

	if r := e.poll(src); r.Outcome != aggregator.Updated || r.Counts.New != 3 {
		t.Fatalf("first poll: %+v", r)
	}
	e.clock.Set(e.clock.Now().Add(15 * time.Minute))
	if r := e.poll(src); r.Outcome != aggregator.NotModified || r.Err != nil {
		t.Fatalf("second poll: %+v", r)
	}
	if n := len(e.items()); n != 3 {
		t.Errorf("stored %d entries, want 3", n)
	}
	if len(srv.requests) != 2 {
		t.Fatalf("server saw %d requests", len(srv.requests))
	}
	first, second := srv.requests[0], srv.requests[1]
	if first.Get("If-None-Match") != "" || first.Get("If-Modified-Since") != "" {
		t.Errorf("first request was conditional: %v", first)
	}
	if got := second.Get("If-None-Match"); got != `"v1"` {
		t.Errorf("second If-None-Match = %q", got)
	}
	if got := second.Get("If-Modified-Since"); got != "Sun, 01 Mar 2026 10:00:00 GMT" {
		t.Errorf("second If-Modified-Since = %q", got)
	}
	if ua := first.Get("User-Agent"); !strings.HasPrefix(ua, "Tributary/") {
		t.Errorf("User-Agent = %q", ua)
	}
}

func TestPollSameBodyWithoutValidatorsIsNotParsedAgain(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	body := readFeed(t, "rss.xml")
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(body) }))
	defer ts.Close()
	src := e.sources(ts.URL)[0]
	e.poll(src)
	if r := e.poll(src); r.Outcome != aggregator.Unchanged {
		t.Errorf("second poll outcome = %s, want unchanged", r.Outcome)
	}
	if n := len(e.items()); n != 3 {
		t.Errorf("stored %d entries, want 3", n)
	}
}

func TestChangedEntryIsUpdatedAndKeepsFirstSeen(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	srv, v1, src := e.serveRSS(t)

	t0 := e.clock.Now()
	e.poll(src)
	before := e.itemByTitle("Counting salmon at the weir")

	t1 := t0.Add(time.Hour)
	e.clock.Set(t1)
	v2 := bytes.Replace(v1, []byte("Counting salmon at the weir"), []byte("Counting salmon at the weir (corrected)"), 1)
	srv.set(v2, `"v2"`)
	r := e.poll(src)
	if r.Outcome != aggregator.Updated || r.Counts.Updated != 1 || r.Counts.New != 0 || r.Counts.Unchanged != 2 {
		t.Fatalf("second poll: %+v", r)
	}
	after := e.itemByTitle("Counting salmon at the weir (corrected)")
	if after.ID != before.ID {
		t.Errorf("id changed: %s → %s", before.ID, after.ID)
	}
	if !after.FirstSeen.Equal(t0) {
		t.Errorf("first_seen = %v, want %v", after.FirstSeen, t0)
	}
	if !after.Updated.Equal(t1) {
		t.Errorf("updated = %v, want %v (the poll that saw the change)", after.Updated, t1)
	}
	if n := len(e.items()); n != 3 {
		t.Errorf("stored %d entries, want 3", n)
	}
}

func TestFutureDateIsClampedToFirstSeen(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	targets := e.sources("future.xml")
	e.poll(targets[0])
	now := e.clock.Now()
	it := e.itemByTitle("Announcement from the future")
	if !it.Published.IsZero() || !it.PublishedOr(it.FirstSeen).Equal(now) || !it.FirstSeen.Equal(now) {
		t.Errorf("future entry: published %v, first_seen %v; want published = first_seen = %v", it.Published, it.FirstSeen, now)
	}
	ordinary := e.itemByTitle("An ordinary post")
	if want := time.Date(2026, 2, 2, 12, 0, 0, 0, time.UTC); !ordinary.Published.Equal(want) {
		t.Errorf("ordinary entry published %v, want %v", ordinary.Published, want)
	}
}

func TestFutureDateKeptOnRequest(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	target := e.sources("future.xml")[0]
	target.FutureDates = config.FutureKeep
	e.poll(target)
	it := e.itemByTitle("Announcement from the future")
	if want := time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC); !it.Published.Equal(want) {
		t.Errorf("published = %v, want %v", it.Published, want)
	}
}

func TestRepeatedItemsAreStoredOnce(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	r := e.poll(e.sources("repeats.xml")[0])
	if r.Counts.New != 2 {
		t.Errorf("new = %d, want 2", r.Counts.New)
	}
	if n := len(e.items()); n != 2 {
		t.Errorf("stored %d entries, want 2", n)
	}
}

func TestUndatedEntries(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	e.poll(e.sources("nodates.xml")[0])
	if got, want := e.itemByTitle("Creek walk notes").Published, time.Date(2026, 2, 14, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("URL-dated entry published %v, want %v", got, want)
	}
	it := e.itemByTitle("About this creek")
	if !it.PublishedOr(it.FirstSeen).Equal(e.clock.Now()) {
		t.Errorf("undated entry published %v, want first_seen %v", it.PublishedOr(it.FirstSeen), e.clock.Now())
	}
}

func TestBrokenSourcesLeaveOthersAlone(t *testing.T) {
	e := newEnv(t, 300*time.Millisecond)
	// Each path serves its own feed while healthy.
	healthy := map[string][]byte{
		"/500": readFeed(t, "rss.xml"), "/garbage": readFeed(t, "future.xml"),
		"/timeout": readFeed(t, "nodates.xml"), "/good": readFeed(t, "unsafe.xml"),
	}
	var mu sync.Mutex
	broken := false
	modes := map[string]func(w http.ResponseWriter, r *http.Request){
		"/500":     func(w http.ResponseWriter, r *http.Request) { http.Error(w, "oops", 500) },
		"/garbage": func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<html><body>not a feed \x00\xff")) },
		"/timeout": func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		},
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		b := broken
		mu.Unlock()
		if h := modes[r.URL.Path]; b && h != nil {
			h(w, r)
			return
		}
		w.Write(healthy[r.URL.Path])
	}))
	defer ts.Close()
	targets := e.sources(ts.URL+"/500", ts.URL+"/garbage", ts.URL+"/timeout", ts.URL+"/good", "atom.xml")

	for _, r := range e.poller.PollAll(context.Background(), targets, true) {
		if r.Outcome != aggregator.Updated {
			t.Fatalf("healthy first poll of %s: %+v", r.Source, r)
		}
	}
	before := map[string]string{}
	for _, it := range e.items() {
		before[it.ID] = it.Hash
	}
	if len(before) != 3+2+2+1+2 {
		t.Fatalf("stored %d entries after the first poll, want 10", len(before))
	}

	mu.Lock()
	broken = true
	mu.Unlock()
	e.clock.Set(e.clock.Now().Add(time.Hour))
	results := e.poller.PollAll(context.Background(), targets, true)
	for i, want := range []aggregator.Outcome{aggregator.Failed, aggregator.Failed, aggregator.Failed, aggregator.Unchanged, aggregator.Unchanged} {
		if results[i].Outcome != want {
			t.Errorf("%s: outcome %s (%v), want %s", results[i].Source, results[i].Outcome, results[i].Err, want)
		}
	}
	after := e.items()
	if len(after) != len(before) {
		t.Errorf("stored %d entries after the broken poll, want %d", len(after), len(before))
	}
	for _, it := range after {
		if before[it.ID] != it.Hash {
			t.Errorf("entry %s changed", it.ID)
		}
	}
	for i, wantErr := range []string{"HTTP 500", "parse", "timeout"} {
		st, err := e.store.Source(context.Background(), targets[i].Source.URL)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(st.LastError, wantErr) || st.Failures != 1 {
			t.Errorf("%s: last_error %q, failures %d; want %q, 1", st.URL, st.LastError, st.Failures, wantErr)
		}
		if !st.NextPoll.After(e.clock.Now()) {
			t.Errorf("%s: next poll %v is not backed off", st.URL, st.NextPoll)
		}
		if st.BodyHash == "" {
			t.Errorf("%s: validators of the last good poll were lost", st.URL)
		}
	}
	// A scheduled (not forced) cycle skips the sources that are backing off.
	results = e.poller.PollAll(context.Background(), targets, false)
	for i := 0; i < 3; i++ {
		if results[i].Outcome != aggregator.Skipped {
			t.Errorf("%s polled during back-off: %s", results[i].Source, results[i].Outcome)
		}
	}
}

func TestBackoff(t *testing.T) {
	tests := []struct {
		failures int
		jitter   float64
		want     time.Duration
	}{
		{1, 0.5, 5 * time.Minute},
		{2, 0.5, 10 * time.Minute},
		{3, 0.5, 20 * time.Minute},
		{1, 0, 4 * time.Minute},
		{1, 1, 6 * time.Minute},
		{20, 0.5, 24 * time.Hour},
		{1000, 0.5, 24 * time.Hour},
	}
	for _, tt := range tests {
		if got := aggregator.Backoff(tt.failures, tt.jitter); got != tt.want {
			t.Errorf("Backoff(%d, %v) = %v, want %v", tt.failures, tt.jitter, got, tt.want)
		}
	}
}

// The unchanged polls of a cycle are written together when it ends: each
// source's poll time and validators are recorded all the same.
func TestPollAllRecordsUnchangedSourcesTogether(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	var urls []string
	for range 3 {
		srv := &validatingServer{}
		srv.set(readFeed(t, "rss.xml"), `"v1"`)
		ts := httptest.NewServer(srv)
		defer ts.Close()
		urls = append(urls, ts.URL+"/feed.xml")
	}
	targets := e.sources(urls...)
	e.poller.PollAll(context.Background(), targets, true)
	second := e.clock.Now().Add(15 * time.Minute)
	e.clock.Set(second)
	for i, r := range e.poller.PollAll(context.Background(), targets, true) {
		if r.Outcome != aggregator.NotModified {
			t.Fatalf("source %d: %+v", i, r)
		}
		st, err := e.store.Source(context.Background(), urls[i])
		if err != nil {
			t.Fatal(err)
		}
		if !st.LastPoll.Equal(second.Truncate(time.Second)) || st.ETag != `"v1"` {
			t.Errorf("source %d: last poll %v, ETag %q; want %v, \"v1\"", i, st.LastPoll, st.ETag, second)
		}
	}
}
