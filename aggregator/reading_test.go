package aggregator_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tributary/tributary/aggregator"
	"github.com/tributary/tributary/aggregator/parse"
)

// Workers fetch feeds at once, but only as many polls read a feed
// (parse, normalise, sketch) at once as there are CPUs: more would not
// read faster, only hold more memory and keep the goroutines that serve
// the feeds waiting.
func TestPollsReadAsManyFeedsAtOnceAsCPUs(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	e := newEnv(t, 5*time.Second) // 4 workers, 1 CPU
	var fetching, mostFetching, reading, mostReading atomic.Int32
	most := func(now int32, max *atomic.Int32) {
		for m := max.Load(); now > m && !max.CompareAndSwap(m, now); m = max.Load() {
		}
	}
	var urls []string
	for i := range 8 {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			most(fetching.Add(1), &mostFetching)
			defer fetching.Add(-1)
			time.Sleep(20 * time.Millisecond)
			w.Write([]byte(rssOf(fmt.Sprintf(`<item><guid>%d</guid><title>Item %d</title></item>`, i, i))))
		}))
		t.Cleanup(ts.Close)
		urls = append(urls, ts.URL+"/feed.xml")
	}
	aggregator.SetParseForTest(e.poller, func(body []byte, ct, enc string) (*parse.Result, error) {
		most(reading.Add(1), &mostReading)
		defer reading.Add(-1)
		time.Sleep(20 * time.Millisecond)
		return parse.Parse(body, ct, enc)
	})
	for _, r := range e.poller.PollAll(context.Background(), e.sources(urls...), true) {
		if r.Outcome != aggregator.Updated {
			t.Errorf("%s: %+v", r.Source, r)
		}
	}
	if mostFetching.Load() < 2 {
		t.Errorf("at most %d feed fetched at once by 4 workers: the test tests nothing", mostFetching.Load())
	}
	if got := mostReading.Load(); got != 1 {
		t.Errorf("%d polls read a feed at once on 1 CPU, want 1", got)
	}
}
