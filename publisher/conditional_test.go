package publisher

import (
	"net/http/httptest"
	"testing"
	"time"
)

func TestNotModified(t *testing.T) {
	modified := time.Date(2026, 11, 1, 12, 0, 0, 500, time.UTC)
	const etag = `"abc"`
	tests := []struct {
		name, inm, ims string
		want           bool
	}{
		{"no validators", "", "", false},
		{"same ETag", `"abc"`, "", true},
		{"weak ETag", `W/"abc"`, "", true},
		{"one of several", `"x", "abc"`, "", true},
		{"star", `*`, "", true},
		{"other ETag", `"x"`, "", false},
		{"other ETag wins over a matching date", `"x"`, "Sun, 01 Nov 2026 12:00:00 GMT", false},
		{"same second", "", "Sun, 01 Nov 2026 12:00:00 GMT", true},
		{"later", "", "Sun, 01 Nov 2026 13:00:00 GMT", true},
		{"earlier", "", "Sun, 01 Nov 2026 11:59:59 GMT", false},
		{"bad date", "", "yesterday", false},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/feed.atom", nil)
		if tt.inm != "" {
			r.Header.Set("If-None-Match", tt.inm)
		}
		if tt.ims != "" {
			r.Header.Set("If-Modified-Since", tt.ims)
		}
		if got := notModified(r, etag, modified); got != tt.want {
			t.Errorf("%s: notModified = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestAcceptsGzip(t *testing.T) {
	tests := []struct {
		header string
		want   bool
	}{
		{"", false},
		{"gzip", true},
		{"deflate, gzip", true},
		{"br;q=1.0, GZIP;q=0.5", true},
		{" gzip ; q=0.001", true},
		{"gzip;q=0", false},
		{"gzip; q=0", false},
		{"deflate, br", false},
		{",,", false},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/", nil)
		if tt.header != "" {
			r.Header.Set("Accept-Encoding", tt.header)
		}
		if got := acceptsGzip(r); got != tt.want {
			t.Errorf("Accept-Encoding %q: acceptsGzip = %v, want %v", tt.header, got, tt.want)
		}
	}
}
