package publisher_test

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const story = `The river authority said on Tuesday that the new fish ladder at the old mill weir had carried more than four thousand salmon upstream in its first month. Engineers had expected half that number. Volunteers who count the fish each morning said the run was the strongest in twenty years, and anglers downstream reported good catches.`

func rssFeed(title, link, itemTitle, itemLink, html string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>` + title + `</title><link>` + link + `</link><description>x</description>`)
	b.WriteString(`<item><title>` + itemTitle + `</title><link>` + itemLink + `</link><guid>` + itemLink + `</guid><pubDate>Mon, 02 Mar 2026 08:00:00 +0000</pubDate><description><![CDATA[` + html + `]]></description></item>`)
	b.WriteString(`</channel></rss>`)
	return b.String()
}

func TestDuplicatesAcrossSourcesAreShownOnce(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string { return writeFile(t, dir, name, body) }
	original := write("a.xml", rssFeed("River Times", "https://times.example/", "Fish ladder carries 4,000 salmon",
		"https://times.example/2026/03/02/ladder", "<p>"+story+"</p>"))
	// Syndicated: other headline, a byline and a source line, trimmed, other markup.
	trimmed := story[:strings.LastIndex(story, " Volunteers")]
	syndicated := write("b.xml", rssFeed("Valley Wire", "https://wire.example/", "Salmon flock to new mill-weir ladder",
		"https://wire.example/news/88231", "<div>By Sam Reed, Staff Writer<br/>"+strings.ReplaceAll(trimmed, ". ", ".<br/>")+"<br/>Source: River Times</div>"))
	// Same article URL, with tracking parameters, and a teaser for text.
	sameURL := write("c.xml", rssFeed("Link Digest", "https://digest.example/", "Worth reading: the fish ladder",
		"https://times.example/2026/03/02/ladder?utm_source=digest&amp;utm_medium=rss", "<p>A good read.</p>"))
	// Same topic, different story: not a duplicate.
	other := write("d.xml", rssFeed("Angler News", "https://angler.example/", "Salmon season opens early",
		"https://angler.example/season", "<p>The salmon fishing season will open two weeks early this year, the authority announced, after a mild winter raised water temperatures across the upper river and its tributaries.</p>"))

	s := newSite(t, filepath.Join(dir, "t.db"), nil)
	s.pollPaths(original)
	s.now = s.now.Add(time.Hour)
	s.pollPaths(original, syndicated, sameURL, other)

	var doc struct {
		Items []struct {
			ID          string `json:"id"`
			Title       string `json:"title"`
			ContentHTML string `json:"content_html"`
			Tributary   struct {
				AlsoFrom []struct{ Title, URL string } `json:"also_from"`
			} `json:"_tributary"`
		} `json:"items"`
	}
	if err := json.Unmarshal(s.body("/feed.json"), &doc); err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, it := range doc.Items {
		titles = append(titles, it.Title)
	}
	if len(doc.Items) != 2 {
		t.Fatalf("feed shows %d items, want the story once and the other article: %q", len(doc.Items), titles)
	}
	first := doc.Items[0]
	if first.Title != "Fish ladder carries 4,000 salmon" {
		first = doc.Items[1]
	}
	if first.Title != "Fish ladder carries 4,000 salmon" {
		t.Fatalf("the first-seen copy is not the one shown: %q", titles)
	}
	also := first.Tributary.AlsoFrom
	// Both copies came in the same poll, so their order is either.
	names := map[string]string{}
	for _, c := range also {
		names[c.Title] = c.URL
	}
	if len(also) != 2 || names["Valley Wire"] != "https://wire.example/news/88231" || names["Link Digest"] == "" {
		t.Errorf("also_from = %+v", also)
	}
	if !strings.Contains(first.ContentHTML, `<a href="https://wire.example/news/88231">Valley Wire</a>`) || !strings.Contains(first.ContentHTML, "Also from: ") {
		t.Errorf("content lacks the Also from line: %s", first.ContentHTML)
	}
	atom := s.body("/feed.atom")
	if !bytes.Contains(atom, []byte(`<link href="https://wire.example/news/88231" rel="via" type="text/html" title="Valley Wire">`)) {
		t.Errorf("Atom lacks rel=via for the syndicated copy")
	}

	// After a restart the index is rebuilt: a fifth source with the story is
	// still a duplicate.
	s.close()
	late := write("e.xml", rssFeed("Late Post", "https://late.example/", "Ladder success", "https://late.example/p/1", "<p>"+story+"</p>"))
	s2 := newSite(t, filepath.Join(dir, "t.db"), nil)
	s2.now = s.now.Add(time.Hour)
	s2.pollPaths(original, syndicated, sameURL, other, late)
	if err := json.Unmarshal(s2.body("/feed.json"), &doc); err != nil {
		t.Fatal(err)
	}
	copies := 0
	for _, it := range doc.Items {
		copies += len(it.Tributary.AlsoFrom)
	}
	if len(doc.Items) != 2 || copies != 3 {
		t.Errorf("after restart: %d items, %d copies named; want 2 and 3", len(doc.Items), copies)
	}
}
