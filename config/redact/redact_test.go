package redact

import "testing"

func TestURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://example.org/feed.xml", "https://example.org/feed.xml"},
		{"http://alice:hunter2@host.example/feed", "http://REDACTED@host.example/feed"},
		{"https://x.example/rss?token=SECRET&lang=en", "https://x.example/rss?lang=REDACTED&token=REDACTED"},
		{"https://x.example/rss#frag", "https://x.example/rss"},
		{"testdata/feeds/rss.xml", "testdata/feeds/rss.xml"},
		{"http://bob:pw@host.example/%zz?k=SECRET", "http://REDACTED@host.example/%zz?REDACTED"},
	}
	for _, tt := range tests {
		if got := URL(tt.in); got != tt.want {
			t.Errorf("URL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPublic(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://example.org/feed.xml", "https://example.org/feed.xml"},
		{"http://alice:hunter2@host.example/feed?token=S#x", "http://host.example/feed"},
		{"file:///srv/feeds/a.xml", ""},
		{"testdata/feeds/rss.xml", ""},
		{"javascript:alert(1)", ""},
	}
	for _, tt := range tests {
		if got := Public(tt.in); got != tt.want {
			t.Errorf("Public(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestStatus(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://x.example/rss?token=S", "https://x.example/rss?token=REDACTED"},
		{"/home/alice/private/feed.xml", "local file feed.xml"},
		{"testdata/feeds/rss.xml", "local file rss.xml"},
		{"file:///srv/secret/a.xml", "local file a.xml"},
	}
	for _, tt := range tests {
		if got := Status(tt.in); got != tt.want {
			t.Errorf("Status(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
