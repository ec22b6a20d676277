package main

import (
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// /metrics, beside the feeds, counts what the daemon did, in the
// Prometheus text format.
func TestMetrics(t *testing.T) {
	d, _, _, _ := startRSSDaemon(t) // one source, polled, its entries served
	d.get("/feed.atom")
	d.get("/no/such/page")
	// The poll is counted just after its entries are stored: wait for it.
	var code int
	var body string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if code, body = d.get("/metrics"); strings.Contains(body, "tributary_polls_total{") {
			break
		}
	}
	if code != 200 {
		t.Fatalf("/metrics: %d", code)
	}
	for _, re := range []string{
		`(?m)^tributary_polls_total\{outcome="updated"\} 1$`,
		`(?m)^tributary_poll_duration_seconds_count 1$`,
		`(?m)^tributary_fetched_bytes_total [1-9][0-9]*$`,
		`(?m)^tributary_entries_written_total\{kind="new"\} 3$`,
		`(?m)^tributary_entries 3$`,
		`(?m)^tributary_sources\{state="ok"\} 1$`,
		`(?m)^tributary_sources\{state="failing"\} 0$`,
		`(?m)^tributary_http_requests_total\{code="200",path="GET /feed.atom"\} [1-9][0-9]*$`,
		`(?m)^tributary_http_requests_total\{code="404",path="unmatched"\} 1$`,
		`(?m)^tributary_render_cache_total\{result="miss"\} [1-9][0-9]*$`,
		`(?m)^tributary_related_index_entries 3$`,
		`(?m)^tributary_related_index_terms [1-9][0-9]*$`,
		`(?m)^go_goroutines [1-9]`,
		`(?m)^process_resident_memory_bytes [1-9]`,
	} {
		if !regexp.MustCompile(re).MatchString(body) {
			t.Errorf("/metrics has no line matching %s", re)
		}
	}
	if t.Failed() {
		t.Logf("/metrics:\n%s", body)
	}
}

// With metrics.listen, /metrics is served there only.
func TestMetricsOnTheirOwnAddress(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	cfg := filepath.Join(dir, "config.yaml")
	writeConfig(t, cfg, "database: t.db\nmetrics:\n  listen: 127.0.0.1:0\nsources:\n  - url: "+feedPath(t, "rss.xml")+"\n")
	d := startDaemon(t, bin, cfg)
	addr := d.waitFor(regexp.MustCompile(`msg="serving metrics" addr=(\S+)`))[1]
	if code, _ := d.get("/metrics"); code != 404 {
		t.Errorf("/metrics beside the feeds: %d, want 404", code)
	}
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(body), "tributary_sources{state=") {
		t.Errorf("/metrics on metrics.listen: %d\n%s", resp.StatusCode, body)
	}
}
