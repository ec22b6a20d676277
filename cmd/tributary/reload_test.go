package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"syscall"
	"testing"
)

// A reload polls at once only the sources it adds, and the sources whose
// parsing settings changed (read again in full, without validators); the
// others wait for their schedule.
func TestReloadPollsOnlyWhatChanged(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	body, err := os.ReadFile(feedPath(t, "rss.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var requests []http.Header
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requests = append(requests, r.Header.Clone())
		mu.Unlock()
		w.Header().Set("ETag", `"v1"`)
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(body)
	}))
	defer ts.Close()
	hits := func() []http.Header {
		mu.Lock()
		defer mu.Unlock()
		return append([]http.Header(nil), requests...)
	}

	dir := t.TempDir()
	bin := buildBinary(t, dir)
	cfg := filepath.Join(dir, "config.yaml")
	httpSource := "  - url: " + ts.URL + "/feed.xml\n    allow_private: true\n"
	writeConfig(t, cfg, "database: t.db\nschedule: \"@every 24h\"\nsources:\n"+httpSource)
	d := startDaemon(t, bin, cfg)
	d.waitForFeed("Counting salmon at the weir")
	if n := len(hits()); n != 1 {
		t.Fatalf("%d requests at start, want 1", n)
	}

	// A source added: it is polled; the HTTP one is not.
	writeConfig(t, cfg, "database: t.db\nschedule: \"@every 24h\"\nsources:\n"+httpSource+"  - url: "+feedPath(t, "gb2312.xml")+"\n")
	d.cmd.Process.Signal(syscall.SIGHUP)
	d.waitFor(regexp.MustCompile(`config reloaded`))
	d.waitForFeed("三峡水库开始泄洪")
	if n := len(hits()); n != 1 {
		t.Errorf("%d requests after a reload that only added a file source, want 1", n)
	}

	// The HTTP source's encoding changed: it is read again, in full.
	writeConfig(t, cfg, "database: t.db\nschedule: \"@every 24h\"\nsources:\n"+httpSource+"    encoding: utf-8\n  - url: "+feedPath(t, "gb2312.xml")+"\n")
	d.cmd.Process.Signal(syscall.SIGHUP)
	d.waitFor(regexp.MustCompile(`(?s)config reloaded.*config reloaded`))
	d.waitFor(regexp.MustCompile(`(?s)config reloaded.*config reloaded.*msg="poll cycle" sources=1 updated=1`))
	h := hits()
	if len(h) != 2 {
		t.Fatalf("%d requests after changing the source's encoding, want 2", len(h))
	}
	if v := h[1].Get("If-None-Match"); v != "" {
		t.Errorf("the source was re-read with validator %q: its stored validators were not forgotten", v)
	}
}
