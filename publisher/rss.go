package publisher

import (
	"encoding/xml"
	"strings"
	"time"

	"github.com/gorilla/feeds"

	"github.com/tributary/tributary/aggregator/store"
)

// gorilla/feeds's RSS types write <source> without its url and have no room
// for atom:link or dc:creator; these types embed them and add what is
// missing.

type rssDoc struct {
	XMLName xml.Name    `xml:"rss"`
	Version string      `xml:"version,attr"`
	AtomNS  string      `xml:"xmlns:atom,attr"`
	DCNS    string      `xml:"xmlns:dc,attr"`
	Channel *rssChannel `xml:"channel"`
}

type rssChannel struct {
	feeds.RssFeed
	AtomLinks []atomLink `xml:"atom:link"`
	Items     []*rssItem `xml:"item"`
}

type rssItem struct {
	feeds.RssItem
	Link       string     `xml:"link,omitempty"` // gorilla/feeds writes <link></link> when empty
	Creator    string     `xml:"dc:creator,omitempty"`
	Categories []string   `xml:"category"`
	Source     *rssSource `xml:"source,omitempty"`
	Related    []atomLink `xml:"atom:link"`
}

type rssSource struct {
	URL   string `xml:"url,attr"`
	Title string `xml:",chardata"`
}

// renderRSS writes f as an RSS 2.0 document.
func renderRSS(f *feedData) ([]byte, error) {
	ch := &rssChannel{
		RssFeed: feeds.RssFeed{
			Title:         rssText(f.Title),
			Link:          f.BaseURL,
			Description:   f.Title,
			Language:      f.Language,
			LastBuildDate: f.Updated.UTC().Format(time.RFC1123Z),
			Generator:     "Tributary",
		},
		AtomLinks: append([]atomLink{{Href: f.SelfURL, Rel: "self", Type: "application/rss+xml"}}, pageLinks(f, "application/rss+xml")...),
		Items:     make([]*rssItem, 0, len(f.Items)),
	}
	for i := range f.Items {
		ch.Items = append(ch.Items, newRSSItem(&f.Items[i], f))
	}
	return marshalXML(rssDoc{Version: "2.0", AtomNS: atomNS, DCNS: "http://purl.org/dc/elements/1.1/", Channel: ch})
}

func newRSSItem(it *item, f *feedData) *rssItem {
	ri := &rssItem{
		RssItem: feeds.RssItem{
			Title:       rssText(it.Title),
			Description: content(it, f),
			// The id is a URN, not a link: say so, or readers open it.
			Guid:    &feeds.RssGuid{Id: it.ID, IsPermaLink: "false"},
			PubDate: it.PublishedOr(it.FirstSeen).UTC().Format(time.RFC1123Z),
		},
		// RSS's <author> must be an e-mail address; feeds give names.
		Creator: rssText(authorOf(it)),
		Link:    it.Link,
		Source:  newRSSSource(it.Source),
	}
	for _, c := range it.Categories {
		ri.Categories = append(ri.Categories, rssText(c.Label))
	}
	for _, r := range it.Related {
		if r.URL != "" {
			ri.Related = append(ri.Related, atomLink{Href: r.URL, Rel: "related", Type: "text/html", Title: rssText(r.Title)})
		}
	}
	return ri
}

// newRSSSource names the source; RSS requires its url, so a local source
// with no site URL has no <source>.
func newRSSSource(src store.SourceRef) *rssSource {
	u := publicFeedURL(src)
	if u == "" {
		u = src.SiteURL
	}
	if u == "" {
		return nil
	}
	return &rssSource{URL: u, Title: rssText(src.Title)}
}

// rssText makes plain text safe for RSS elements that readers may render
// as HTML (RSS leaves open whether a title is text or HTML): a "<" that
// would open a tag or a comment becomes "‹" (U+2039), so that "<img
// onerror=…>" reads as the text it is, in both readings, instead of
// becoming an element where the title is rendered as HTML. Escaped
// entities are harmless either way: "&lt;" read as HTML is the text "<".
func rssText(s string) string {
	if !strings.Contains(s, "<") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '<' && i+1 < len(s) && opensTag(s[i+1]) {
			b.WriteString("‹")
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// opensTag reports whether c after "<" starts markup in an HTML parser: a
// tag name, an end tag, a comment or declaration, a processing instruction.
func opensTag(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '/' || c == '!' || c == '?'
}
