package fetch

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A released body's memory carries the next fetch's body, which reads
// whole and as sent; what was copied out of the first stays as it was.
// Bodies refused as too large, and buffers over keptBufferCap, are not
// kept.
func TestReleasedBodiesAreReused(t *testing.T) {
	bodies := map[string]string{
		"/long":  strings.Repeat("<item>long feed</item>", 2000),
		"/short": "<rss>short</rss>",
		"/huge":  strings.Repeat("h", keptBufferCap+1),
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(bodies[r.URL.Path]))
	}))
	defer ts.Close()
	f := newFetcher(2 * keptBufferCap)
	fetch := func(path string) *Response {
		t.Helper()
		resp, err := f.Fetch(context.Background(), Request{URL: ts.URL + path})
		if err != nil {
			t.Fatal(err)
		}
		if string(resp.Body) != bodies[path] {
			t.Fatalf("%s: body of %d bytes, want %d", path, len(resp.Body), len(bodies[path]))
		}
		return resp
	}

	first := fetch("/long")
	kept := string(first.Body)
	firstArray := &first.Body[:1][0]
	first.Release()
	first.Release() // twice is harmless
	if first.Body != nil {
		t.Errorf("Body after Release has %d bytes, want none", len(first.Body))
	}
	second := fetch("/short")
	if &second.Body[:1][0] != firstArray {
		t.Error("the second body was not read into the released buffer")
	}
	if kept != bodies["/long"] {
		t.Error("a string copied from a body changed after its release")
	}
	second.Release()

	if n := len(f.bodies.free); n != 1 {
		t.Fatalf("%d buffers kept, want 1", n)
	}
	huge := fetch("/huge") // read into the kept buffer, which grows past the cap
	huge.Release()
	if n := len(f.bodies.free); n != 0 {
		t.Errorf("%d buffers kept after a body over %d bytes was released, want 0", n, keptBufferCap)
	}

	small := New(Options{Timeout: f.opts.Timeout, MaxBodyBytes: 100, MaxRedirects: 2, AllowPrivate: true})
	if _, err := small.Fetch(context.Background(), Request{URL: ts.URL + "/long"}); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	if n := len(small.bodies.free); n != 1 {
		t.Errorf("%d buffers kept after a refused body, want 1 (its buffer, for reuse)", n)
	}
}
