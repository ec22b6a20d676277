package publisher

import (
	"bytes"
	"encoding/xml"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/feeds"

	"github.com/tributary/tributary/aggregator/store"
)

// gorilla/feeds's Atom types lack several links per feed, link titles and a
// structured <source>; these types embed them and add what is missing. A
// field of the outer type wins over the embedded field with the same XML name.

type atomFeed struct {
	feeds.AtomFeed
	Lang    string       `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
	Links   []atomLink   `xml:"link"`
	Entries []*atomEntry `xml:"entry"`
}

type atomEntry struct {
	feeds.AtomEntry
	Links      []atomLink     `xml:"link"`
	Categories []atomCategory `xml:"category"`
	Source     *atomSource    `xml:"source,omitempty"`
}

type atomCategory struct {
	Term   string `xml:"term,attr"`
	Scheme string `xml:"scheme,attr,omitempty"`
	Label  string `xml:"label,attr,omitempty"`
}

type atomLink struct {
	Href  string `xml:"href,attr"`
	Rel   string `xml:"rel,attr,omitempty"`
	Type  string `xml:"type,attr,omitempty"`
	Title string `xml:"title,attr,omitempty"`
}

type atomSource struct {
	ID      string     `xml:"id"`
	Title   string     `xml:"title"`
	Updated string     `xml:"updated"`
	Links   []atomLink `xml:"link"`
}

const atomNS = "http://www.w3.org/2005/Atom"

// renderAtom writes f as an Atom 1.0 document (RFC 4287).
func renderAtom(f *feedData) ([]byte, error) {
	doc := atomFeed{
		AtomFeed: feeds.AtomFeed{
			Xmlns:   atomNS,
			Title:   f.Title,
			Id:      f.BaseURL,
			Updated: atomTime(f.Updated),
			Author:  &feeds.AtomAuthor{AtomPerson: feeds.AtomPerson{Name: f.Title}},
		},
		Links: append([]atomLink{
			{Href: f.SelfURL, Rel: "self", Type: "application/atom+xml"},
			{Href: f.BaseURL, Rel: "alternate", Type: "text/html"},
		}, pageLinks(f, "application/atom+xml")...),
		Entries: make([]*atomEntry, 0, len(f.Items)),
		Lang:    f.Language,
	}
	for i := range f.Items {
		doc.Entries = append(doc.Entries, newAtomEntry(&f.Items[i], f))
	}
	return marshalXML(doc)
}

func newAtomEntry(it *item, f *feedData) *atomEntry {
	baseURL := f.BaseURL
	published := it.PublishedOr(it.FirstSeen)
	updated := it.Updated
	if updated.Before(published) {
		updated = published
	}
	e := &atomEntry{
		AtomEntry: feeds.AtomEntry{
			Title:     it.Title,
			Id:        it.ID,
			Updated:   atomTime(updated),
			Published: atomTime(published),
		},
		Source: &atomSource{ID: sourceID(it.Source), Title: it.Source.Title, Updated: atomTime(updated)},
	}
	if u := publicFeedURL(it.Source); u != "" {
		e.Source.Links = append(e.Source.Links, atomLink{Href: u, Rel: "self"})
	}
	if it.Source.SiteURL != "" {
		e.Source.Links = append(e.Source.Links, atomLink{Href: it.Source.SiteURL, Rel: "alternate", Type: "text/html"})
	}
	if it.Link != "" {
		e.Links = append(e.Links, atomLink{Href: it.Link, Rel: "alternate", Type: "text/html"})
	}
	for _, c := range it.AlsoFrom {
		if c.URL != "" {
			e.Links = append(e.Links, atomLink{Href: c.URL, Rel: "via", Type: "text/html", Title: c.Source})
		}
	}
	if a := authorOf(it); a != "" {
		e.Author = &feeds.AtomAuthor{AtomPerson: feeds.AtomPerson{Name: a}}
	}
	for _, c := range it.Categories {
		e.Categories = append(e.Categories, atomCategory{Term: c.Slug, Scheme: baseURL + "category/", Label: c.Label})
	}
	for _, r := range it.Related {
		if r.URL != "" {
			e.Links = append(e.Links, atomLink{Href: r.URL, Rel: "related", Type: "text/html", Title: r.Title})
		}
	}
	if c := content(it, f); c != "" {
		e.Content = &feeds.AtomContent{Content: c, Type: "html"}
	} else if it.Link == "" {
		// An entry with no alternate link must have content (RFC 4287
		// 4.1.1.1): its title is all there is.
		e.Content = &feeds.AtomContent{Content: it.Title, Type: "text"}
	}
	return e
}

// pageLinks are the RFC 5005 links of a paged feed: its first page and
// the next (older) one.
func pageLinks(f *feedData, typ string) []atomLink {
	var out []atomLink
	if f.FirstURL != "" {
		out = append(out, atomLink{Href: f.FirstURL, Rel: "first", Type: typ})
	}
	if f.NextURL != "" {
		out = append(out, atomLink{Href: f.NextURL, Rel: "next", Type: typ})
	}
	return out
}

// sourceID is the atom:id of an entry's source: its public feed URL, or for
// a source that has none (a local file) a name-based URN that tells nothing
// of where the file is.
func sourceID(src store.SourceRef) string {
	if u := publicFeedURL(src); u != "" {
		return u
	}
	return "urn:uuid:" + uuid.NewSHA1(uuid.NameSpaceURL, []byte(src.FeedURL)).String()
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func marshalXML(doc any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}
