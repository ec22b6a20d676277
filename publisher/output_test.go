package publisher_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

// parsed is what a re-parsed output says about one entry.
type parsed struct {
	id, link, title string
	published       time.Time
}

func reparse(t *testing.T, body []byte, format string) []parsed {
	t.Helper()
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("gofeed cannot read our %s: %v", format, err)
	}
	var out []parsed
	for _, it := range feed.Items {
		p := parsed{id: it.GUID, link: it.Link, title: it.Title}
		if it.PublishedParsed != nil {
			p.published = it.PublishedParsed.UTC()
		}
		out = append(out, p)
	}
	return out
}

func TestOutputsAgreeWithTheStore(t *testing.T) {
	s := newSite(t, filepath.Join(t.TempDir(), "t.db"), exampleFeeds)
	stored, err := s.store.Latest(context.Background(), time.Now(), 50, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != 17 {
		t.Fatalf("store holds %d entries, want 17", len(stored))
	}
	for _, format := range []string{"atom", "rss", "json"} {
		got := reparse(t, s.body("/feed."+format), format)
		if len(got) != len(stored) {
			t.Errorf("%s: %d entries, want %d", format, len(got), len(stored))
			continue
		}
		for i, it := range stored {
			want := parsed{id: it.ID, link: it.URL, title: it.Title, published: it.PublishedOr(it.FirstSeen)}
			if got[i] != want {
				t.Errorf("%s entry %d:\n got %+v\nwant %+v", format, i, got[i], want)
			}
		}
	}
	// Newest first, undated entries at their first_seen.
	for i := 1; i < len(stored); i++ {
		if stored[i].PublishedOr(stored[i].FirstSeen).After(stored[i-1].PublishedOr(stored[i-1].FirstSeen)) {
			t.Errorf("entries %d and %d are out of order", i-1, i)
		}
	}
}

func TestAtomEntriesNameTheirSource(t *testing.T) {
	s := newSite(t, filepath.Join(t.TempDir(), "t.db"), []string{"gb2312.xml", "atom.xml"})
	var doc struct {
		Links []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Updated string `xml:"updated"`
		Entries []struct {
			Updated   string `xml:"updated"`
			Published string `xml:"published"`
			Source    struct {
				Title string `xml:"title"`
			} `xml:"source"`
			Title string `xml:"title"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(s.body("/feed.atom"), &doc); err != nil {
		t.Fatal(err)
	}
	self := ""
	for _, l := range doc.Links {
		if l.Rel == "self" {
			self = l.Href
		}
	}
	if self != "https://news.example.org/feed.atom" {
		t.Errorf("rel=self = %q", self)
	}
	if doc.Updated == "" {
		t.Error("feed <updated> is empty")
	}
	sources := map[string]string{}
	for _, e := range doc.Entries {
		if e.Updated == "" || e.Published == "" {
			t.Errorf("entry %q lacks updated or published", e.Title)
		}
		sources[e.Title] = e.Source.Title
	}
	if sources["三峡水库开始泄洪"] != "长江新闻" || sources["Sediment maps updated"] != "Delta Log" {
		t.Errorf("sources: %v", sources)
	}
}

func TestRSSItemsNameTheirSourceAndGuid(t *testing.T) {
	s := newSite(t, filepath.Join(t.TempDir(), "t.db"), []string{"rss.xml"})
	body := s.body("/feed.rss")
	var doc struct {
		Channel struct {
			Items []struct {
				GUID struct {
					IsPermaLink string `xml:"isPermaLink,attr"`
					Value       string `xml:",chardata"`
				} `xml:"guid"`
				Source struct {
					URL   string `xml:"url,attr"`
					Title string `xml:",chardata"`
				} `xml:"source"`
				Creator string `xml:"http://purl.org/dc/elements/1.1/ creator"`
			} `xml:"item"`
		} `xml:"channel"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Channel.Items) != 3 {
		t.Fatalf("%d items", len(doc.Channel.Items))
	}
	for _, it := range doc.Channel.Items {
		if it.GUID.IsPermaLink != "false" || !strings.HasPrefix(it.GUID.Value, "urn:uuid:") {
			t.Errorf("guid %+v", it.GUID)
		}
		if it.Source.URL != "https://river.example.org/" || it.Source.Title != "River Notes" {
			t.Errorf("source %+v", it.Source)
		}
	}
	if doc.Channel.Items[0].Creator != "Ada Water" {
		t.Errorf("dc:creator = %q", doc.Channel.Items[0].Creator)
	}
	if !bytes.Contains(body, []byte(`<atom:link href="https://news.example.org/feed.rss" rel="self"`)) {
		t.Error("RSS lacks atom:link rel=self")
	}
}

func TestJSONFeedExtension(t *testing.T) {
	s := newSite(t, filepath.Join(t.TempDir(), "t.db"), []string{"feed.json", "rss.xml"})
	var doc struct {
		Version string `json:"version"`
		Items   []struct {
			ID        string `json:"id"`
			Tributary struct {
				FirstSeen time.Time `json:"first_seen"`
				Source    struct {
					Title, URL string
				} `json:"source"`
			} `json:"_tributary"`
		} `json:"items"`
	}
	if err := json.Unmarshal(s.body("/feed.json"), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != "https://jsonfeed.org/version/1.1" {
		t.Errorf("version %q", doc.Version)
	}
	if len(doc.Items) != 6 {
		t.Fatalf("%d items", len(doc.Items))
	}
	for _, it := range doc.Items {
		if !it.Tributary.FirstSeen.Equal(s.now) {
			t.Errorf("%s: first_seen %v, want %v", it.ID, it.Tributary.FirstSeen, s.now)
		}
		if it.Tributary.Source.Title != "Estuary Daily" && it.Tributary.Source.Title != "River Notes" {
			t.Errorf("%s: source %+v", it.ID, it.Tributary.Source)
		}
	}
}

func TestOutputCarriesNoControlCharacters(t *testing.T) {
	dir := t.TempDir()
	// A feed whose title holds control characters, legal in RSS bytes as
	// character references but not in XML 1.0.
	feed := `<?xml version="1.0"?><rss version="2.0"><channel><title>C</title><link>https://c.example/</link>` +
		`<item><title>bell&#x7;here</title><link>https://c.example/1</link><description>a&#x1b;b</description></item></channel></rss>`
	path := filepath.Join(dir, "ctl.xml")
	if err := os.WriteFile(path, []byte(feed), 0o644); err != nil {
		t.Fatal(err)
	}
	s := newSite(t, filepath.Join(dir, "t.db"), nil)
	s.pollPaths(path)
	for _, format := range []string{"atom", "rss", "json"} {
		body := s.body("/feed." + format)
		if bytes.ContainsAny(body, "\x07\x1b") || bytes.Contains(body, []byte("&#x7;")) || bytes.Contains(body, []byte(`\u0007`)) {
			t.Errorf("%s output carries a control character", format)
		}
		if got := reparse(t, body, format); len(got) != 1 || got[0].title != "bellhere" {
			t.Errorf("%s: %+v", format, got)
		}
	}
}

func TestAtomValidatesAgainstRFC4287Schema(t *testing.T) {
	schema := sharedDir(t, "corpus", "schema", "atom.rnc")
	jing, err := exec.LookPath("jing")
	if err != nil {
		t.Skip("jing is not installed (Debian package jing; .ci/run installs it)")
	}
	s := newSite(t, filepath.Join(t.TempDir(), "t.db"), exampleFeeds)
	for _, path := range []string{"/feed.atom", "/sources.atom"} {
		out := filepath.Join(t.TempDir(), "out.atom")
		if err := os.WriteFile(out, s.body(path), 0o644); err != nil {
			t.Fatal(err)
		}
		if msg, err := exec.Command(jing, "-c", schema, out).CombinedOutput(); err != nil {
			t.Errorf("%s: jing -c atom.rnc: %v\n%s", path, err, msg)
		}
	}
}

func TestRestartKeepsEntriesAndIDs(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "t.db")
	s := newSite(t, dbPath, exampleFeeds)
	before := reparse(t, s.body("/feed.json"), "json")
	s.close()

	// Restart with the sources listed in another order, a day later.
	reversed := make([]string, len(exampleFeeds))
	for i, f := range exampleFeeds {
		reversed[len(exampleFeeds)-1-i] = f
	}
	s2 := newSite(t, dbPath, nil)
	s2.now = s.now.Add(24 * time.Hour)
	s2.poll(reversed)
	after := reparse(t, s2.body("/feed.json"), "json")
	if len(after) != len(before) {
		t.Fatalf("%d entries after restart, %d before", len(after), len(before))
	}
	ids := map[string]bool{}
	for _, p := range before {
		ids[p.id] = true
	}
	for _, p := range after {
		if !ids[p.id] {
			t.Errorf("entry %q has a new id %s after restart", p.title, p.id)
		}
	}
	n, err := s2.store.CountEntries(context.Background())
	if err != nil || n != len(before) {
		t.Errorf("CountEntries = %d, %v; want %d", n, err, len(before))
	}
}
