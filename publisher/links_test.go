package publisher_test

import (
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
)

// Feeds publish each entry's link as the feed gave it, fragment, case and
// percent-encoding kept, tracking parameters removed; the canonical form
// is only for comparing.
func TestOriginalLinksArePublished(t *testing.T) {
	feed := `<?xml version="1.0"?><rss version="2.0"><channel><title>Daily Notes</title>
<item><guid isPermaLink="false">a1</guid><title>Morning note</title><description>Notes of the morning.</description>
<link>http://Notes.example/2003/06/25.html#a080631</link><pubDate>Wed, 25 Jun 2003 08:06:31 GMT</pubDate></item>
<item><guid isPermaLink="false">a2</guid><title>Evening note</title><description>Notes of the evening.</description>
<link>http://notes.example/Caf%c3%a9/?utm_source=rss&amp;id=7&amp;fbclid=abc</link><pubDate>Wed, 25 Jun 2003 20:00:00 GMT</pubDate></item>
</channel></rss>`
	s, _ := siteOf(t, feed)
	want := []string{"http://notes.example/Caf%c3%a9/?id=7", "http://Notes.example/2003/06/25.html#a080631"}

	_, body := s.get("/feed.atom")
	var atom struct {
		Entries []struct {
			Links []struct {
				Rel  string `xml:"rel,attr"`
				Href string `xml:"href,attr"`
			} `xml:"link"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(body, &atom); err != nil || len(atom.Entries) != 2 {
		t.Fatalf("%v\n%s", err, body)
	}
	for i, e := range atom.Entries {
		if len(e.Links) == 0 || e.Links[0].Rel != "alternate" || e.Links[0].Href != want[i] {
			t.Errorf("atom entry %d links %+v, want alternate %s", i, e.Links, want[i])
		}
	}
	_, body = s.get("/feed.rss")
	var rss struct {
		Links []string `xml:"channel>item>link"`
	}
	xml.Unmarshal(body, &rss)
	var links []string
	for _, l := range rss.Links {
		if l != "" { // the related atom:link elements match too, without text
			links = append(links, l)
		}
	}
	if strings.Join(links, " ") != strings.Join(want, " ") {
		t.Errorf("rss links %q, want %q", links, want)
	}
	_, body = s.get("/feed.json")
	var jf struct {
		Items []struct {
			URL string `json:"url"`
		} `json:"items"`
	}
	json.Unmarshal(body, &jf)
	if len(jf.Items) != 2 || jf.Items[0].URL != want[0] || jf.Items[1].URL != want[1] {
		t.Errorf("json urls %+v, want %q", jf.Items, want)
	}
	if _, page := s.get("/"); !strings.Contains(string(page), `href="http://Notes.example/2003/06/25.html#a080631"`) {
		t.Error("the page does not link the original")
	}
}
