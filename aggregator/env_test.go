package aggregator_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/tributary/tributary/aggregator"
	"github.com/tributary/tributary/aggregator/fetch"
	"github.com/tributary/tributary/aggregator/store"
	"github.com/tributary/tributary/config"
)

// clock is a settable time source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// env is a poller over a real SQLite file in a temporary directory.
type env struct {
	t      *testing.T
	dbPath string
	store  *store.Store
	poller *aggregator.Poller
	clock  *clock
}

func newEnv(t *testing.T, timeout time.Duration) *env {
	t.Helper()
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "test.db")
	st, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := fetch.New(fetch.Options{Timeout: timeout, MaxBodyBytes: 1 << 20, MaxRedirects: 3, UserAgent: "Tributary/test", AllowPrivate: true})
	t.Cleanup(f.Close)
	c := &clock{now: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	p := aggregator.NewPoller(st, f, aggregator.PollerOptions{Now: c.Now, Log: log, Workers: 4, PerHost: 2, DedupWindow: 7 * 24 * time.Hour})
	return &env{t: t, dbPath: dbPath, store: st, poller: p, clock: c}
}

// sources registers sources by URL (http URLs or paths under testdata/feeds)
// and returns them as targets.
func (e *env) sources(urls ...string) []aggregator.Target {
	e.t.Helper()
	var targets []aggregator.Target
	var cfgs []store.SourceConfig
	for _, u := range urls {
		loc := u
		if _, err := os.Stat(filepath.Join("..", "testdata", "feeds", u)); err == nil {
			abs, _ := filepath.Abs(filepath.Join("..", "testdata", "feeds", u))
			loc = "file://" + abs
		}
		src := config.Source{URL: u, Location: loc}
		targets = append(targets, aggregator.Target{Source: src})
		cfgs = append(cfgs, store.SourceConfig{URL: u, Location: loc})
	}
	if err := e.store.SyncSources(context.Background(), cfgs); err != nil {
		e.t.Fatal(err)
	}
	return targets
}

func (e *env) poll(t aggregator.Target) aggregator.Result {
	e.t.Helper()
	return e.poller.Poll(context.Background(), t)
}

// items returns every stored entry of active sources, newest first.
func (e *env) items() []store.Item {
	e.t.Helper()
	items, err := e.store.Latest(context.Background(), e.clock.Now(), 1000, "")
	if err != nil {
		e.t.Fatal(err)
	}
	return items
}

func (e *env) itemByTitle(title string) store.Item {
	e.t.Helper()
	for _, it := range e.items() {
		if it.Title == title {
			return it
		}
	}
	e.t.Fatalf("no entry titled %q", title)
	return store.Item{}
}

func readFeed(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "feeds", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
