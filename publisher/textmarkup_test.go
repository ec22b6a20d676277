package publisher_test

import (
	"encoding/xml"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/tributary/tributary/aggregator"
	"github.com/tributary/tributary/config"
)

// hasElement reports whether s, read as HTML, holds any element.
func hasElement(t *testing.T, s string) bool {
	t.Helper()
	nodes, err := html.ParseFragment(strings.NewReader(s), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		if n.Type != html.TextNode {
			return true
		}
	}
	return false
}

// RSS titles and categories that contain markup as text are harmless both
// to readers that show them as text and to readers that render them as
// HTML, and still read as what they say.
func TestRSSTextIsHarmlessReadEitherWay(t *testing.T) {
	dir := t.TempDir()
	// Markup escaped twice is text that says "<img …>" (once escaped it is
	// markup, which the normaliser strips from titles).
	feed := writeFile(t, dir, "evil.xml", `<?xml version="1.0"?><rss version="2.0"><channel><title>Evil &amp;lt;b&amp;gt;channel</title>
<link>https://evil.example/</link>
<item><guid>1</guid><title>&amp;lt;img src=x onerror=alert(1)&amp;gt; 1 &amp;lt; 2 &amp;amp;lt;b&amp;amp;gt;</title><link>https://evil.example/1</link>
<author>x@evil.example (&amp;lt;script&amp;gt;alert(2)&amp;lt;/script&amp;gt;)</author>
<category>&lt;svg onload=alert(3)&gt;</category><description>d</description></item></channel></rss>`)
	cfg, err := config.Parse(filepath.Join(dir, "c.yaml"), []byte("sources:\n  - url: "+feed+"\n    use_feed_categories: true\n"))
	if err != nil {
		t.Fatal(err)
	}
	s := newSite(t, filepath.Join(dir, "t.db"), nil)
	s.cats = aggregator.NewCategories(cfg)
	s.pollPaths(feed)
	var doc struct {
		Items []struct {
			Title      string   `xml:"title"`
			Categories []string `xml:"category"`
			Creator    string   `xml:"http://purl.org/dc/elements/1.1/ creator"`
			Source     string   `xml:"source"`
		} `xml:"channel>item"`
	}
	if err := xml.Unmarshal(s.body("/feed.rss"), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Items) != 1 {
		t.Fatalf("%d items", len(doc.Items))
	}
	it := doc.Items[0]
	texts := append([]string{it.Title, it.Creator, it.Source}, it.Categories...)
	for _, text := range texts {
		if hasElement(t, text) {
			t.Errorf("%q makes markup when read as HTML", text)
		}
	}
	if !strings.Contains(it.Title, "img src=x onerror=alert(1)") || !strings.Contains(it.Title, "1 < 2 &lt;b&gt;") {
		t.Errorf("title %q no longer says what the feed's title said", it.Title)
	}
	if len(it.Categories) == 0 || !strings.Contains(it.Categories[0], "svg onload") {
		t.Errorf("categories %q", it.Categories)
	}
}
