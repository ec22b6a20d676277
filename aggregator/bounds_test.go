package aggregator

import (
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

func TestNewestItems(t *testing.T) {
	day := func(d int) *time.Time {
		t := time.Date(2026, 1, d, 0, 0, 0, 0, time.UTC)
		return &t
	}
	item := func(title string, published, updated *time.Time) *gofeed.Item {
		return &gofeed.Item{Title: title, PublishedParsed: published, UpdatedParsed: updated}
	}
	feed := []*gofeed.Item{
		item("undated-1", nil, nil),
		item("jan-2", day(2), nil),
		item("jan-9-updated", nil, day(9)),
		item("undated-2", nil, nil),
		item("jan-5", day(5), day(20)), // published wins over updated
		item("jan-5-second", day(5), nil),
	}
	titles := func(items []*gofeed.Item) []string {
		var out []string
		for _, it := range items {
			out = append(out, it.Title)
		}
		return out
	}
	tests := []struct {
		max  int
		want []string
	}{
		{0, titles(feed)},
		{6, titles(feed)},
		{10, titles(feed)},
		{1, []string{"jan-9-updated"}},
		{3, []string{"jan-9-updated", "jan-5", "jan-5-second"}},
		{5, []string{"jan-9-updated", "jan-5", "jan-5-second", "jan-2", "undated-1"}},
	}
	for _, tt := range tests {
		got := titles(NewestItems(feed, tt.max))
		if len(got) != len(tt.want) {
			t.Errorf("max %d: %v, want %v", tt.max, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("max %d: %v, want %v", tt.max, got, tt.want)
				break
			}
		}
	}
	if feed[0].Title != "undated-1" {
		t.Error("NewestItems reordered its argument")
	}
}

func TestTombstoneAge(t *testing.T) {
	day := 24 * time.Hour
	for _, tt := range []struct{ retention, want time.Duration }{
		{0, 180 * day}, {30 * day, 180 * day}, {90 * day, 180 * day}, {365 * day, 730 * day},
	} {
		if got := TombstoneAge(tt.retention); got != tt.want {
			t.Errorf("TombstoneAge(%v) = %v, want %v", tt.retention, got, tt.want)
		}
	}
}
