package aggregator_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tributary/tributary/aggregator"
	"github.com/tributary/tributary/config"
)

// countingServer serves the rss.xml testdata feed and counts hits per path.
type countingServer struct {
	mu   sync.Mutex
	hits map[string]int
	body []byte
}

func (s *countingServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.hits[r.URL.Path]++
	s.mu.Unlock()
	w.Write(s.body)
}

func (s *countingServer) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

// startHourlyAndEverySecond starts a scheduler over two sources: hourly on
// the global schedule, and everySecond on its own "@every 1s".
func (e *env) startHourlyAndEverySecond(hourly, everySecond string) *aggregator.Scheduler {
	e.t.Helper()
	targets := e.sources(hourly, everySecond)
	fast := targets[1].Source
	fast.Schedule = "@every 1s"
	cfg := &config.Config{Schedule: "@every 1h", Location: time.UTC, Sources: []config.Source{targets[0].Source, fast}}
	sched, err := aggregator.NewScheduler(cfg, e.poller, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		e.t.Fatal(err)
	}
	sched.Start()
	return sched
}

func TestSchedulerPollsAtStartAndOnEachSourcesSchedule(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for cron ticks")
	}
	e := newEnv(t, 5*time.Second)
	srv := &countingServer{hits: map[string]int{}, body: readFeed(t, "rss.xml")}
	ts := httptest.NewServer(srv)
	defer ts.Close()

	sched := e.startHourlyAndEverySecond(ts.URL+"/hourly", ts.URL+"/every-second")
	deadline := time.Now().Add(10 * time.Second)
	for srv.count("/every-second") < 3 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	sched.Stop()
	if n := srv.count("/every-second"); n < 3 {
		t.Errorf("the @every 1s source was polled %d times", n)
	}
	if n := srv.count("/hourly"); n != 1 {
		t.Errorf("the hourly source was polled %d times, want once (at start)", n)
	}
}

func TestSourceIsNeverPolledTwiceAtOnce(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	release := make(chan struct{})
	var inFlight, maxInFlight atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			m := maxInFlight.Load()
			if n <= m || maxInFlight.CompareAndSwap(m, n) {
				break
			}
		}
		<-release
		w.Write(readFeed(t, "rss.xml"))
	}))
	defer ts.Close()
	src := e.sources(ts.URL)[0]

	results := make(chan []aggregator.Result, 2)
	go func() { results <- e.poller.PollAll(context.Background(), []aggregator.Target{src}, true) }()
	for inFlight.Load() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	// A second cycle while the first is still fetching skips the source.
	second := e.poller.PollAll(context.Background(), []aggregator.Target{src, src}, true)
	close(release)
	first := <-results
	if first[0].Outcome != aggregator.Updated {
		t.Errorf("first poll: %+v", first[0])
	}
	for _, r := range second {
		if r.Outcome != aggregator.Skipped {
			t.Errorf("concurrent poll: %s, want skipped", r.Outcome)
		}
	}
	if m := maxInFlight.Load(); m != 1 {
		t.Errorf("%d requests for one source at once", m)
	}
}

func TestStopCancelsFetchesInFlight(t *testing.T) {
	e := newEnv(t, time.Minute)
	started := make(chan struct{})
	cancelled := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-r.Context().Done()
		close(cancelled)
	}))
	defer ts.Close()
	targets := e.sources(ts.URL)
	cfg := &config.Config{Schedule: "@every 1h", Location: time.UTC, Sources: []config.Source{targets[0].Source}}
	sched, err := aggregator.NewScheduler(cfg, e.poller, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	sched.Start()
	<-started
	stopped := make(chan struct{})
	go func() { sched.Stop(); close(stopped) }()
	select {
	case <-cancelled:
	case <-time.After(10 * time.Second):
		t.Fatal("Stop did not cancel the fetch in flight")
	}
	<-stopped
	// Being stopped is not the source's fault: no failure is recorded.
	st, err := e.store.Source(context.Background(), ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	if st.Failures != 0 || st.LastError != "" {
		t.Errorf("stopping recorded a failure: %d, %q", st.Failures, st.LastError)
	}
}

// A tick that falls while the start-up cycle runs does not start a second
// cycle: every feed is fetched once at start, not twice.
func TestTickDuringStartupCycleIsSkipped(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for cron ticks")
	}
	e := newEnv(t, 10*time.Second)
	body := readFeed(t, "rss.xml")
	release := make(chan struct{})
	var slowHits, fastHits atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			slowHits.Add(1)
			<-release
		} else {
			fastHits.Add(1)
		}
		w.Write(body)
	}))
	defer ts.Close()
	defer close(release)
	sched := e.startHourlyAndEverySecond(ts.URL+"/slow", ts.URL+"/fast")
	defer sched.Stop()
	// The start-up cycle is held by /slow while three ticks of /fast fall.
	time.Sleep(3500 * time.Millisecond)
	if n := fastHits.Load(); n != 1 {
		t.Errorf("/fast fetched %d times during the start-up cycle, want once", n)
	}
	if n := slowHits.Load(); n != 1 {
		t.Errorf("/slow fetched %d times, want once", n)
	}
}
