package publisher_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tributary/tributary/aggregator"
	"github.com/tributary/tributary/config"
)

// TestRenderCacheKeepsToItsBudget: a source with a category per entry (as
// feeds with their own tags give), every category's feed asked for, and a
// cache budget of two categories' renderings beside the site-wide ones.
// The least recently used categories are dropped, the site-wide feed
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
	category := func(i int) string { return fmt.Sprintf("/category/c%02d.atom", i) }
	// Twice through, under the default budget: the related hints are
	// computed over the first renderings, which changes their bytes.
	first := map[int][]byte{}
	for range 2 {
		get("/feed.atom")
		for i := range n {
			first[i] = get(category(i))
		}
	}
	sizes, _ := s.pub.Cached()
	if len(sizes) != n+1 {
		t.Fatalf("under the default budget the cache holds %d renderings, want %d", len(sizes), n+1)
	}
	site, smallest, largest := sizes["atom "], int64(1<<62), int64(0)
	for k, size := range sizes {
		if k != "atom " {
			smallest, largest = min(smallest, size), max(largest, size)
		}
	}
	// Room for any two categories, never three.
	budget := site + 2*largest + smallest/2
	if 3*smallest <= budget-site {
		t.Fatalf("categories of %d to %d bytes: the test's budget would hold three", smallest, largest)
	}
	s.pub.SetCacheBudget(budget)
	cached := func() []string {
		sizes, total := s.pub.Cached()
		if total > budget {
			t.Errorf("the cache holds %d bytes, over its budget of %d", total, budget)
		}
		if _, ok := sizes["atom "]; !ok {
			t.Error("the site-wide feed was dropped from the cache")
		}
		var cats []string
		for k := range sizes {
			if k != "atom " {
				cats = append(cats, strings.TrimPrefix(k, "atom "))
			}
		}
		slices.Sort(cats)
		return cats
	}
	if got := cached(); !slices.Equal(got, []string{"c10", "c11"}) {
		t.Errorf("after the budget is lowered the cache holds %v, want the two used last [c10 c11]", got)
	}

	get(category(0))
	get(category(1))
	get(category(0)) // c01 is now the least recently used
	get(category(2))
	if got := cached(); !slices.Equal(got, []string{"c00", "c02"}) {
		t.Errorf("the cache holds %v, want [c00 c02] (c01 used longest ago)", got)
	}
	if again := get(category(1)); !bytes.Equal(again, first[1]) {
		t.Error("a category rendered again after it was dropped differs")
	}
	for i := range n {
		get(category(i))
		if got := cached(); len(got) > 2 {
			t.Fatalf("after c%02d the cache holds the categories %v", i, got)
		}
	}
}
