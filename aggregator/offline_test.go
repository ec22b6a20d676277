package aggregator_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/tributary/tributary/aggregator"
	"github.com/tributary/tributary/aggregator/fetch"
	"github.com/tributary/tributary/aggregator/store"
	"github.com/tributary/tributary/config"
)

// names resolves the test's host names: to loopback when listed, else as
// a name that does not exist (or a DNS server that does not answer).
type names map[string]netip.Addr

func (n names) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if a, ok := n[host]; ok {
		return []netip.Addr{a}, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// pollerWith is a poller over env's store whose fetcher resolves through
// resolver and dials only loopback (the test fails otherwise).
func pollerWith(t *testing.T, e *env, resolver fetch.Resolver) *aggregator.Poller {
	dialer := &net.Dialer{Timeout: time.Second}
	f := fetch.New(fetch.Options{Timeout: 5 * time.Second, MaxBodyBytes: 1 << 20, UserAgent: "Tributary/test", AllowPrivate: true,
		Resolver: resolver,
		Dial: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if ap, err := netip.ParseAddrPort(addr); err != nil || !ap.Addr().IsLoopback() {
				t.Errorf("dial %s: not loopback", addr)
				return nil, errors.New("refused by the test")
			}
			return dialer.DialContext(ctx, network, addr)
		}})
	t.Cleanup(f.Close)
	return aggregator.NewPoller(e.store, f, aggregator.PollerOptions{Now: e.clock.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Workers: 4, PerHost: 2})
}

func targets(t *testing.T, e *env, urls ...string) []aggregator.Target {
	var out []aggregator.Target
	var cfgs []store.SourceConfig
	for _, u := range urls {
		out = append(out, aggregator.Target{Source: config.Source{URL: u, Location: u}})
		cfgs = append(cfgs, store.SourceConfig{URL: u, Location: u})
	}
	if err := e.store.SyncSources(context.Background(), cfgs); err != nil {
		t.Fatal(err)
	}
	return out
}

// When no host of a cycle can be reached, the machine is offline: no
// source's failures are counted, and all are polled again in 5 minutes.
// When some host answers, the unreachable ones are failures as usual.
func TestOfflineCountsNothingAgainstSources(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(readFeed(t, "rss.xml"))
	}))
	t.Cleanup(ts.Close)
	port := ts.URL[strings.LastIndex(ts.URL, ":"):]
	p := pollerWith(t, e, names{"up.example": netip.MustParseAddr("127.0.0.1")})
	a, b, up := "http://a.example"+port+"/feed", "http://b.example"+port+"/feed", "http://up.example"+port+"/feed"

	p.PollAll(context.Background(), targets(t, e, a, b), false)
	for _, u := range []string{a, b} {
		st, _ := e.store.Source(context.Background(), u)
		if st.Failures != 0 || !strings.HasPrefix(st.LastError, "offline:") || !st.NextPoll.Equal(e.clock.Now().Add(5*time.Minute)) {
			t.Errorf("offline: %s has failures %d, error %q, next poll %v", u, st.Failures, st.LastError, st.NextPoll)
		}
	}

	e.clock.Set(e.clock.Now().Add(10 * time.Minute))
	p.PollAll(context.Background(), targets(t, e, a, b, up), false)
	for _, u := range []string{a, b} {
		st, _ := e.store.Source(context.Background(), u)
		if st.Failures != 1 || strings.HasPrefix(st.LastError, "offline:") {
			t.Errorf("online: unreachable %s has failures %d, error %q; want a failure", u, st.Failures, st.LastError)
		}
	}
	if st, _ := e.store.Source(context.Background(), up); st.LastError != "" || st.LastSuccess.IsZero() {
		t.Errorf("the reachable source: %+v", st)
	}
}

// A 410 Gone marks the source gone: polled again in a week, shown as gone,
// logged once.
func TestGoneSource(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "gone", http.StatusGone)
	}))
	t.Cleanup(ts.Close)
	src := e.sources(ts.URL + "/feed.xml")[0]
	r := e.poll(src)
	if !aggregator.Gone(r.Err) {
		t.Fatalf("poll of a 410: %+v", r)
	}
	st, _ := e.store.Source(context.Background(), src.Source.URL)
	if want := e.clock.Now().Add(7 * 24 * time.Hour); !st.NextPoll.Equal(want) {
		t.Errorf("next poll %v, want a week later (%v)", st.NextPoll, want)
	}
	report, err := aggregator.SourceReport(context.Background(), e.store, e.clock.Now())
	if err != nil || len(report) != 1 || report[0].State != aggregator.StateGone || !strings.HasPrefix(report[0].Waiting, "gone: polled again weekly") {
		t.Errorf("status: %+v, %v", report, err)
	}
}
