package aggregator_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tributary/tributary/aggregator"
)

func TestEarliestNextPoll(t *testing.T) {
	at := time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC) // a Friday
	tests := []struct {
		name string
		h    aggregator.PollHints
		want time.Duration // after at
	}{
		{"nothing said", aggregator.PollHints{}, 0},
		{"max-age", aggregator.PollHints{CacheControl: "public, max-age=3600"}, time.Hour},
		{"no-cache wins over Expires", aggregator.PollHints{CacheControl: "no-cache", Expires: "Fri, 27 Nov 2026 12:30:00 GMT"}, 0},
		{"Expires against Date", aggregator.PollHints{Expires: "Fri, 27 Nov 2026 11:00:00 GMT", Date: "Fri, 27 Nov 2026 10:00:00 GMT"}, time.Hour},
		{"Expires in the past", aggregator.PollHints{Expires: "Thu, 26 Nov 2026 11:00:00 GMT"}, 0},
		{"bad Expires", aggregator.PollHints{Expires: "0"}, 0},
		{"ttl", aggregator.PollHints{TTL: "60"}, time.Hour},
		{"the longer of ttl and max-age", aggregator.PollHints{TTL: "30", CacheControl: "max-age=7200"}, 2 * time.Hour},
		{"a week's ttl is a day", aggregator.PollHints{TTL: "10080"}, 24 * time.Hour},
		{"bad ttl", aggregator.PollHints{TTL: "soon"}, 0},
		{"skipped hours", aggregator.PollHints{SkipHours: []string{"9", "10", "11"}}, 2*time.Hour + 30*time.Minute},
		{"skipped days, clamped to a day", aggregator.PollHints{SkipDays: []string{"Friday", "saturday"}}, 24 * time.Hour},
		{"every hour skipped", aggregator.PollHints{SkipHours: []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20", "21", "22", "23"}}, 24 * time.Hour},
		{"ttl then a skipped hour", aggregator.PollHints{TTL: "60", SkipHours: []string{"10"}}, 90 * time.Minute},
	}
	for _, tt := range tests {
		if got := aggregator.EarliestNextPoll(at, tt.h).Sub(at); got != tt.want {
			t.Errorf("%s: next poll %v after, want %v", tt.name, got, tt.want)
		}
	}
}

// A feed's ttl holds its polls back: the schedule's ticks before it is
// over skip the source.
func TestFeedTTLHoldsPollsBack(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	var hits atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/rss+xml")
		io.WriteString(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><ttl>60</ttl>`+
			`<item><guid>a</guid><title>A</title></item></channel></rss>`)
	}))
	t.Cleanup(ts.Close)
	src := e.sources(ts.URL + "/feed.xml")[0]
	poll := func() aggregator.Result {
		return e.poller.PollAll(context.Background(), []aggregator.Target{src}, false)[0]
	}
	if r := poll(); r.Outcome != aggregator.Updated {
		t.Fatalf("first poll: %+v", r)
	}
	e.clock.Set(e.clock.Now().Add(30 * time.Minute))
	if r := poll(); r.Outcome != aggregator.Skipped || hits.Load() != 1 {
		t.Errorf("30 minutes into a 60-minute ttl: %v, %d requests", r.Outcome, hits.Load())
	}
	e.clock.Set(e.clock.Now().Add(31 * time.Minute))
	if r := poll(); r.Outcome == aggregator.Skipped || hits.Load() != 2 {
		t.Errorf("after the ttl: %v, %d requests", r.Outcome, hits.Load())
	}
}
