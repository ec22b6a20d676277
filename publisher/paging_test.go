package publisher_test

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tributary/tributary/aggregator/store"
)

// Every stored entry can be reached: the feeds and the page link the next
// (older) page until the last, RFC 5005 style, each page items_per_feed
// long (here 50 of 120).
func TestPagedFeedsReachEveryEntry(t *testing.T) {
	dir := t.TempDir()
	var items strings.Builder
	for i := range 120 {
		fmt.Fprintf(&items, `<item><guid isPermaLink="false">g%d</guid><title>Entry %d</title><description>Text %d.</description>`+
			`<pubDate>%s</pubDate></item>`, i, i, i, fmt.Sprintf("Sun, 01 Nov 2026 %02d:%02d:00 GMT", i/60, i%60))
	}
	path := filepath.Join(dir, "many.xml")
	os.WriteFile(path, []byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>Many</title>`+items.String()+`</channel></rss>`), 0o644)
	s := newSite(t, filepath.Join(dir, "t.db"), nil)
	s.pollPaths(path)

	// Atom: follow rel="next".
	seen := map[string]bool{}
	next, pages := s.server.URL+"/feed.atom", 0
	for next != "" && pages < 10 {
		pages++
		resp, err := http.Get(next)
		if err != nil {
			t.Fatal(err)
		}
		var feed struct {
			Links []struct {
				Rel  string `xml:"rel,attr"`
				Href string `xml:"href,attr"`
			} `xml:"link"`
			Entries []struct {
				Title string `xml:"title"`
			} `xml:"entry"`
		}
		err = xml.NewDecoder(resp.Body).Decode(&feed)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		next = ""
		for _, l := range feed.Links {
			if l.Rel == "next" {
				next = strings.Replace(l.Href, "https://news.example.org", s.server.URL, 1)
			}
		}
		for _, e := range feed.Entries {
			if seen[e.Title] {
				t.Errorf("%q on two pages", e.Title)
			}
			seen[e.Title] = true
		}
	}
	if pages != 3 || len(seen) != 120 {
		t.Errorf("atom: %d pages, %d distinct entries; want 3 pages, 120 entries", pages, len(seen))
	}

	// JSON Feed: next_url; the last page has none.
	_, body := s.get("/feed.json")
	var jf struct {
		NextURL string `json:"next_url"`
		Items   []any  `json:"items"`
	}
	json.Unmarshal(body, &jf)
	if len(jf.Items) != 50 || !strings.Contains(jf.NextURL, "/feed.json?before=") {
		t.Errorf("json first page: %d items, next_url %q", len(jf.Items), jf.NextURL)
	}
	// RSS and the page link their next page too.
	if _, rss := s.get("/feed.rss"); !strings.Contains(string(rss), `rel="next"`) {
		t.Error("rss: no next link")
	}
	_, page := s.get("/")
	if !strings.Contains(string(page), `rel="next">Older entries`) {
		t.Error("the page has no link to older entries")
	}
	if resp, _ := s.get("/feed.atom?before=nonsense"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a bad cursor: %d, want 400", resp.StatusCode)
	}
	if _, err := store.ParseCursor("1.2.3"); err != nil {
		t.Error(err)
	}
}

// /category/SLUG redirects to /category/SLUG/; /index.html is the page;
// the site has an icon.
func TestSiteRoutes(t *testing.T) {
	s := newSite(t, filepath.Join(t.TempDir(), "t.db"), []string{"rss.xml"})
	if resp, _ := s.get("/index.html"); resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("/index.html: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, p := range []string{"/favicon.ico", "/favicon.svg"} {
		if resp, body := s.get(p); resp.StatusCode != 200 || !strings.Contains(string(body), "<svg") {
			t.Errorf("%s: %d", p, resp.StatusCode)
		}
	}
}
