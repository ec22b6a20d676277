package main

import (
	"regexp"
	"testing"
)

// /metrics, beside the feeds, counts what the daemon did, in the
// Prometheus text format.
func TestMetrics(t *testing.T) {
	d, _, _, _ := startRSSDaemon(t) // one source, polled, its entries served
	d.get("/feed.atom")
	d.get("/no/such/page")
	code, body := d.get("/metrics")
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
