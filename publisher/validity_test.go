package publisher_test

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A feed written for this test: two related items with neither link nor
// author, one with both.
const linklessFeed = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Weir Notes</title>
<item><guid isPermaLink="false">n1</guid><title>Salmon ladder opens at the weir</title>
<description>The salmon ladder at the river weir opened for the spawning run this week.</description>
<pubDate>Sun, 01 Nov 2026 09:00:00 GMT</pubDate></item>
<item><guid isPermaLink="false">n2</guid><title>Salmon climb the new weir ladder</title>
<description>Salmon climbed the new ladder at the river weir during the spawning run.</description>
<pubDate>Sun, 01 Nov 2026 10:00:00 GMT</pubDate></item>
<item><guid>https://weir.example/3</guid><link>https://weir.example/3</link><title>Kayak routes</title>
<author>kayaks@weir.example (Ann Paddler)</author><description>Three gentle kayak routes.</description>
<pubDate>Sun, 01 Nov 2026 11:00:00 GMT</pubDate></item>
</channel></rss>`

// siteOf is a site that has polled one feed, body, written to a file in
// the returned directory.
func siteOf(t *testing.T, body string) (*site, string) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "feed.xml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	s := newSite(t, filepath.Join(dir, "t.db"), nil)
	s.pollPaths(path)
	return s, dir
}

// The outputs follow the rules the W3C feed validator checks: no empty
// link or href, an Atom entry without a link has content, atom:source has
// id, title and updated; every entry names an author (its own, else its
// source's title); the feeds carry the config's language.
func TestOutputValidityRules(t *testing.T) {
	s, dir := siteOf(t, linklessFeed)

	_, atomBody := s.get("/feed.atom")
	_, rssBody := s.get("/feed.rss")
	_, jsonBody := s.get("/feed.json")
	for name, body := range map[string][]byte{"atom": atomBody, "rss": rssBody, "json": jsonBody} {
		for _, bad := range []string{`<link></link>`, `href=""`, `href=\"\"`, `<link/>`} {
			if strings.Contains(string(body), bad) {
				t.Errorf("%s output contains %s", name, bad)
			}
		}
	}
	if !strings.Contains(string(atomBody), "Related:") {
		t.Errorf("the linkless items were not related to each other; the test proves nothing:\n%s", atomBody)
	}

	var atom struct {
		Lang    string `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
		Entries []struct {
			Title   string `xml:"title"`
			Author  string `xml:"author>name"`
			Content string `xml:"content"`
			Links   []struct {
				Rel  string `xml:"rel,attr"`
				Href string `xml:"href,attr"`
			} `xml:"link"`
			Source struct {
				ID      string `xml:"id"`
				Title   string `xml:"title"`
				Updated string `xml:"updated"`
			} `xml:"source"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(atomBody, &atom); err != nil {
		t.Fatal(err)
	}
	if atom.Lang != "en" || len(atom.Entries) != 3 {
		t.Fatalf("atom: lang %q, %d entries", atom.Lang, len(atom.Entries))
	}
	authors := map[string]string{}
	for _, e := range atom.Entries {
		alternate := false
		for _, l := range e.Links {
			alternate = alternate || l.Rel == "alternate"
		}
		if !alternate && e.Content == "" {
			t.Errorf("atom entry %q has neither an alternate link nor content", e.Title)
		}
		if e.Source.ID == "" || e.Source.Title == "" || e.Source.Updated == "" || strings.Contains(e.Source.ID, dir) {
			t.Errorf("atom entry %q: source %+v", e.Title, e.Source)
		}
		authors[e.Title] = e.Author
	}
	if authors["Salmon ladder opens at the weir"] != "Weir Notes" || authors["Kayak routes"] != "Ann Paddler" {
		t.Errorf("atom authors: %q", authors)
	}

	var rss struct {
		Language string `xml:"channel>language"`
		Items    []struct {
			Title   string `xml:"title"`
			Creator string `xml:"http://purl.org/dc/elements/1.1/ creator"`
		} `xml:"channel>item"`
	}
	if err := xml.Unmarshal(rssBody, &rss); err != nil {
		t.Fatal(err)
	}
	if rss.Language != "en" || len(rss.Items) != 3 || rss.Items[0].Creator == "" || rss.Items[1].Creator != "Weir Notes" {
		t.Errorf("rss: language %q, items %+v", rss.Language, rss.Items)
	}

	var jf struct {
		Language string `json:"language"`
		Items    []struct {
			Authors []struct{ Name string } `json:"authors"`
		} `json:"items"`
	}
	if err := json.Unmarshal(jsonBody, &jf); err != nil {
		t.Fatal(err)
	}
	if jf.Language != "en" || len(jf.Items) != 3 || len(jf.Items[1].Authors) != 1 || jf.Items[1].Authors[0].Name != "Weir Notes" {
		t.Errorf("json: %+v", jf)
	}
}
