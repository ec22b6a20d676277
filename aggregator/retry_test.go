package aggregator_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tributary/tributary/aggregator"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		header string
		want   time.Duration
		ok     bool
	}{
		{"120", 2 * time.Minute, true},
		{" 0 ", 0, true},
		{"Sun, 29 Nov 2026 14:00:00 GMT", 2 * time.Hour, true},
		{"Sunday, 29-Nov-26 12:30:00 GMT", 30 * time.Minute, true}, // RFC 850
		{"Sun, 29 Nov 2026 11:00:00 GMT", 0, true},                 // in the past: now
		{"99999999999", 7 * 24 * time.Hour, true},                  // clamped
		{"-5", 0, false},
		{"soon", 0, false},
		{"", 0, false},
		{"1.5", 0, false},
	}
	for _, tt := range tests {
		got, ok := aggregator.RetryAfter(tt.header, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("RetryAfter(%q) = %v, %v; want %v, %v", tt.header, got, ok, tt.want, tt.ok)
		}
	}
}

// A 503 or 429 with Retry-After keeps the source waiting that long (its
// back-off alone would retry in about 5 minutes); the error page is read so
// that the connection is reused.
func TestPollHonoursRetryAfter(t *testing.T) {
	for _, code := range []int{http.StatusServiceUnavailable, http.StatusTooManyRequests} {
		e := newEnv(t, 5*time.Second)
		var conns atomic.Int32
		ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "7200")
			w.WriteHeader(code)
			w.Write(make([]byte, 8<<10)) // an error page
		}))
		ts.Config.ConnState = func(_ net.Conn, s http.ConnState) {
			if s == http.StateNew {
				conns.Add(1)
			}
		}
		ts.Start()
		t.Cleanup(ts.Close)
		src := e.sources(ts.URL + "/feed.xml")[0]
		r := e.poll(src)
		var serr interface{ Error() string }
		if r.Outcome != aggregator.Failed || !errors.As(r.Err, &serr) {
			t.Fatalf("%d: poll = %+v", code, r)
		}
		st, err := e.store.Source(context.Background(), src.Source.URL)
		if err != nil {
			t.Fatal(err)
		}
		if want := e.clock.Now().Add(2 * time.Hour); !st.NextPoll.Equal(want) {
			t.Errorf("%d: next poll %v, want %v (Retry-After: 7200)", code, st.NextPoll, want)
		}
		e.poller.PollAll(context.Background(), []aggregator.Target{src}, true) // forced: polled again now
		if n := conns.Load(); n != 1 {
			t.Errorf("%d: %d connections for two polls; the error page was not drained", code, n)
		}
	}
}
