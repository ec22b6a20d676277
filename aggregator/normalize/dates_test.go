package normalize

import (
	"testing"
	"time"
)

func TestDateFromURL(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"https://x.example/2024/06/07/title", time.Date(2024, 6, 7, 0, 0, 0, 0, time.UTC), true},
		{"https://x.example/blog/2019/1/2/", time.Date(2019, 1, 2, 0, 0, 0, 0, time.UTC), true},
		{"https://x.example/2024/02/31/bad", time.Time{}, false},
		{"https://x.example/2024/06/title", time.Time{}, false},
		{"https://x.example/1850/01/01/old", time.Time{}, false},
		{"https://x.example/post?id=2024", time.Time{}, false},
	}
	for _, tt := range tests {
		got, ok := DateFromURL(tt.in)
		if ok != tt.ok || !got.Equal(tt.want) {
			t.Errorf("DateFromURL(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestPublishedDate(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	at := func(y int, m time.Month, d int) *time.Time {
		t := time.Date(y, m, d, 8, 0, 0, 0, time.FixedZone("CST", 8*3600))
		return &t
	}
	tests := []struct {
		name       string
		d          Dates
		keepFuture bool
		want       time.Time
	}{
		{"published wins", Dates{Published: at(2026, 1, 2), Updated: at(2026, 3, 4)}, false, at(2026, 1, 2).UTC()},
		{"updated when no published", Dates{Updated: at(2026, 3, 4)}, false, at(2026, 3, 4).UTC()},
		{"url date when no dates", Dates{URL: "https://x.example/2025/05/06/a"}, false, time.Date(2025, 5, 6, 0, 0, 0, 0, time.UTC)},
		{"nothing means first_seen", Dates{URL: "https://x.example/a"}, false, time.Time{}},
		{"before 1990 means first_seen", Dates{Published: at(1970, 1, 1)}, false, time.Time{}},
		{"future is clamped", Dates{Published: at(2027, 1, 1)}, false, time.Time{}},
		{"future is kept on request", Dates{Published: at(2027, 1, 1)}, true, at(2027, 1, 1).UTC()},
		{"result is UTC", Dates{Published: at(2026, 1, 2)}, false, time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		got := PublishedDate(tt.d, now, tt.keepFuture)
		if !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("%s: got %v, want %v (UTC)", tt.name, got, tt.want)
		}
	}
}
