package publisher_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tributary/tributary/aggregator"
	"github.com/tributary/tributary/config"
)

// TestRenderCacheKeepsToItsBudget: a source with a category per entry (as
// feeds with their own tags give), every category's feed asked for, and a
// cache budget of about two categories' renderings beside the site-wide
// ones. The least recently used categories are dropped, the site-wide feed
// never, and a dropped category is rendered again, the same.
func TestRenderCacheKeepsToItsBudget(t *testing.T) {
	dir := t.TempDir()
	var feed strings.Builder
	feed.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Tags</title><link>https://tags.example/</link><description>x</description>`)
	const n = 12
	for i := range n {
		fmt.Fprintf(&feed, `<item><title>Story %02d about the river</title><link>https://tags.example/%d</link><category>c%02d</category><pubDate>Mon, 02 Mar 2026 08:%02d:00 +0000</pubDate><description>%s</description></item>`,
			i, i, i, i, strings.Repeat("Water levels rose along the valley. ", 20))
	}
	feed.WriteString(`</channel></rss>`)
	path := writeFile(t, dir, "tags.xml", feed.String())
	cfg, err := config.Parse(filepath.Join(dir, "c.yaml"), []byte("sources:\n  - url: "+path+"\n    use_feed_categories: true\n"))
	if err != nil {
		t.Fatal(err)
	}
	s := newSite(t, filepath.Join(dir, "t.db"), nil)
	s.cats = aggregator.NewCategories(cfg)
	s.pollPaths(path)

	get := func(p string) []byte {
		t.Helper()
		resp, body := s.get(p)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: status %d", p, resp.StatusCode)
		}
		return body
	}
	misses := func() uint64 { _, m := s.pub.CacheStats(); return m }
	get("/feed.atom")
	_, base := s.pub.CacheSize()
	first := get("/category/c00.atom")
	_, withOne := s.pub.CacheSize()
	one := withOne - base
	s.pub.SetCacheBudget(base + 2*one + one/2)

	get("/category/c01.atom")
	get("/category/c00.atom") // c01 is now the least recently used
	get("/category/c02.atom") // over the budget: c01 goes
	m := misses()
	get("/category/c00.atom")
	if misses() != m {
		t.Error("the category used most recently was dropped")
	}
	if again := get("/category/c01.atom"); misses() != m+1 {
		t.Error("the least recently used category was kept over the budget")
	} else if c00 := get("/category/c00.atom"); !bytes.Equal(c00, first) {
		t.Error("a category rendered again differs")
	} else if !bytes.Contains(again, []byte("Story 01")) {
		t.Error("a category rendered again lost its entry")
	}

	for i := range n {
		get(fmt.Sprintf("/category/c%02d.atom", i))
		entries, size := s.pub.CacheSize()
		if size > base+2*one+one/2 || entries > 3 {
			t.Fatalf("after c%02d the cache holds %d renderings, %d bytes: over its budget of %d", i, entries, size, base+2*one+one/2)
		}
	}
	m = misses()
	get("/feed.atom")
	if misses() != m {
		t.Error("the site-wide feed was dropped from the cache")
	}
}
