package aggregator_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tributary/tributary/aggregator"
	"github.com/tributary/tributary/aggregator/fetch"
	"github.com/tributary/tributary/aggregator/store"
	"github.com/tributary/tributary/config"
)

// syntheticFeed is an RSS feed of n items for source i, about 600 bytes an
// item.
func syntheticFeed(i, n int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Source %d</title><link>https://s%d.example.org/</link><description>d</description>`, i, i)
	for j := range n {
		fmt.Fprintf(&b, `<item><title>Story %d of source %d about rivers and salmon</title><link>https://s%d.example.org/2026/03/%02d/story-%d?utm_source=rss</link><guid>s%d-%d</guid><pubDate>Mon, 02 Mar 2026 %02d:%02d:00 +0000</pubDate><description><![CDATA[<p>Paragraph one of story %d tells of the river, the weir and the salmon run. <a href="/more/%d">More</a></p><p>Paragraph two has <b>bold</b> words and an <img src="/img/%d.jpg"> image.</p>]]></description></item>`,
			j, i, i, 1+j%28, j, i, j, j%24, j%60, j, j, j)
	}
	b.WriteString(`</channel></rss>`)
	return []byte(b.String())
}

// benchSetup serves sources synthetic feeds (304 for a matching ETag) and
// returns a poller over a fresh database with those sources configured.
func benchSetup(b *testing.B, sources, items int) (*aggregator.Poller, []aggregator.Target, func()) {
	b.Helper()
	feeds := make([][]byte, sources)
	for i := range feeds {
		feeds[i] = syntheticFeed(i, items)
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var i int
		fmt.Sscanf(r.URL.Path, "/s/%d", &i)
		etag := fmt.Sprintf(`"%d"`, i)
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Write(feeds[i])
	}))
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	var targets []aggregator.Target
	var cfgs []store.SourceConfig
	for i := range sources {
		u := fmt.Sprintf("%s/s/%d", ts.URL, i)
		targets = append(targets, aggregator.Target{Source: config.Source{URL: u, Location: u}})
		cfgs = append(cfgs, store.SourceConfig{URL: u, Location: u})
	}
	if err := st.SyncSources(ctx, cfgs); err != nil {
		b.Fatal(err)
	}
	f := fetch.New(fetch.Options{Timeout: 30 * time.Second, MaxBodyBytes: 4 << 20, MaxRedirects: 5, UserAgent: "bench", AllowPrivate: true})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	p := aggregator.NewPoller(st, f, aggregator.PollerOptions{
		Now: time.Now, Log: log, Workers: config.DefaultWorkers, PerHost: config.DefaultWorkers, DedupWindow: config.DefaultDedupWindow,
	})
	return p, targets, func() { f.Close(); st.Close(); ts.Close() }
}

// BenchmarkColdIngest polls 1,000 sources of 50 entries into an empty
// database. Target: under 5 s an op on a 2-core machine.
func BenchmarkColdIngest(b *testing.B) {
	for range b.N {
		b.StopTimer()
		p, targets, done := benchSetup(b, 1000, 50)
		b.StartTimer()
		for _, r := range p.PollAll(context.Background(), targets, true) {
			if r.Err != nil || r.Counts.New != 50 {
				b.Fatalf("%s: %+v", r.Source, r)
			}
		}
		b.StopTimer()
		done()
	}
}

// BenchmarkRepollUnchanged polls the same 1,000 sources again when nothing
// changed (each answers 304). Target: under 0.3 s an op.
func BenchmarkRepollUnchanged(b *testing.B) {
	p, targets, done := benchSetup(b, 1000, 50)
	defer done()
	p.PollAll(context.Background(), targets, true)
	b.ResetTimer()
	for range b.N {
		for _, r := range p.PollAll(context.Background(), targets, true) {
			if r.Outcome != aggregator.NotModified {
				b.Fatalf("%s: %+v", r.Source, r)
			}
		}
	}
}
