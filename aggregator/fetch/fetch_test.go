package fetch

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func newFetcher(maxBody int64) *Fetcher {
	return New(Options{Timeout: 2 * time.Second, MaxBodyBytes: maxBody, MaxRedirects: 2, UserAgent: "Tributary/test (+https://news.example.org/)", AllowPrivate: true})
}

func TestFetchGzipAndHeaders(t *testing.T) {
	feed := strings.Repeat("<item>salmon</item>", 100)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("User-Agent") != "Tributary/test (+https://news.example.org/)" {
			t.Errorf("User-Agent = %q", r.Header.Get("User-Agent"))
		}
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			t.Errorf("Accept-Encoding = %q", r.Header.Get("Accept-Encoding"))
		}
		w.Header().Set("Content-Type", "application/rss+xml; charset=GBK")
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("ETag", `"e1"`)
		zw := gzip.NewWriter(w)
		zw.Write([]byte(feed))
		zw.Close()
	}))
	defer ts.Close()
	f := newFetcher(1 << 20)
	resp, err := f.Fetch(context.Background(), Request{URL: ts.URL})
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Body) != feed || resp.ETag != `"e1"` || resp.ContentType != "application/rss+xml; charset=GBK" {
		t.Errorf("resp = %+v", resp)
	}
}

func TestFetchBodyCapAppliesAfterDecompression(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		zw.Write(bytes.Repeat([]byte("a"), 64<<10)) // compresses to well under 1 KiB
		zw.Close()
	}))
	defer ts.Close()
	_, err := newFetcher(16<<10).Fetch(context.Background(), Request{URL: ts.URL})
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("err = %v, want ErrTooLarge", err)
	}
}

func TestFetchRedirects(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/feed", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/feed", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<rss/>")) })
	mux.HandleFunc("/to-file", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
	})
	ts := httptest.NewServer(mux)
	defer ts.Close()
	f := newFetcher(1 << 20)

	resp, err := f.Fetch(context.Background(), Request{URL: ts.URL + "/moved"})
	if err != nil || resp.URL != ts.URL+"/feed" {
		t.Errorf("one redirect: %+v, %v", resp, err)
	}
	if _, err := f.Fetch(context.Background(), Request{URL: ts.URL + "/loop"}); err == nil || !strings.Contains(err.Error(), "redirects") {
		t.Errorf("redirect loop: err = %v", err)
	}
	if _, err := f.Fetch(context.Background(), Request{URL: ts.URL + "/to-file"}); err == nil {
		t.Error("followed a redirect into file://")
	}
}

func TestFetchStatusAndScheme(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "gone", http.StatusGone) }))
	defer ts.Close()
	f := newFetcher(1 << 20)
	var se *StatusError
	if _, err := f.Fetch(context.Background(), Request{URL: ts.URL}); !errors.As(err, &se) || se.Code != 410 {
		t.Errorf("410: err = %v", err)
	}
	for _, u := range []string{"ftp://example.org/feed", "gopher://example.org/", "javascript:alert(1)"} {
		if _, err := f.Fetch(context.Background(), Request{URL: u}); err == nil {
			t.Errorf("fetched %s", u)
		}
	}
}

func TestFetchFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "feed.xml")
	os.WriteFile(path, []byte("<rss/>"), 0o644)
	f := newFetcher(1 << 20)
	resp, err := f.Fetch(context.Background(), Request{URL: "file://" + path})
	if err != nil || string(resp.Body) != "<rss/>" {
		t.Errorf("file: %+v, %v", resp, err)
	}
	if _, err := f.Fetch(context.Background(), Request{URL: "file://" + filepath.Join(dir, "missing.xml")}); err == nil {
		t.Error("missing file fetched")
	}
	if _, err := newFetcher(2).Fetch(context.Background(), Request{URL: "file://" + path}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("file over the cap: %v", err)
	}
}

func TestFetchCancelled(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer ts.Close()
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	if _, err := newFetcher(1<<20).Fetch(ctx, Request{URL: ts.URL}); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// As many connections to a host as requests may go to it at once are kept
// open between requests and reused: rounds of PerHost requests at once
// open PerHost connections in all, not new ones every round.
func TestFetchKeepsPerHostConnectionsOpen(t *testing.T) {
	const perHost, rounds = 8, 5
	var opened atomic.Int32
	release := make(chan struct{})
	var waiting atomic.Int32
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Hold every request of a round until all have arrived, so that
		// the round needs perHost connections at once.
		if waiting.Add(1)%perHost == 0 {
			for range perHost - 1 {
				release <- struct{}{}
			}
		} else {
			<-release
		}
		w.Write([]byte("<rss/>"))
	}))
	ts.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			opened.Add(1)
		}
	}
	ts.Start()
	defer ts.Close()
	f := New(Options{Timeout: 5 * time.Second, MaxBodyBytes: 1 << 20, MaxRedirects: 2, UserAgent: "Tributary/test", AllowPrivate: true, PerHost: perHost})
	defer f.Close()
	for range rounds {
		var wg sync.WaitGroup
		for range perHost {
			wg.Go(func() {
				if _, err := f.Fetch(context.Background(), Request{URL: ts.URL + "/feed.xml"}); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	}
	if n := opened.Load(); n != perHost {
		t.Errorf("%d rounds of %d requests at once opened %d connections, want %d", rounds, perHost, n, perHost)
	}
}
