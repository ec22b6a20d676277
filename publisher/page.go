package publisher

import (
	"bytes"
	"context"
	"embed"
	"html/template"
	"net/http"
	"net/url"
	"time"
	"unicode"

	"github.com/tributary/tributary/aggregator/script"
	"github.com/tributary/tributary/aggregator/store"
)

// web holds the page template and its style sheet.
//
//go:embed web/page.html web/sources.html web/style.css web/favicon.svg
var web embed.FS

// contentSecurityPolicy allows the page nothing but its own style sheet and
// images: no scripts at all.
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self' https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

func parsePage() *template.Template {
	return template.Must(template.ParseFS(web, "web/page.html"))
}

type pageData struct {
	Lang, Title, SiteTitle, Base, Category string
	Msg                                    messages
	// Older is the page of older entries ("?before=…"), Newest the first
	// page when this is not it; "" otherwise.
	Older, Newest string
	Feeds         struct{ Atom, RSS, JSON string }
	Categories    []pageCategory
	Entries       []pageEntry
}

type pageCategory struct {
	Label, URL string
	Count      int
	Current    bool
}

type pageEntry struct {
	Title, URL, Anchor, Lang           string
	Source, SourceURL, Author, Excerpt string
	Published, PublishedISO            string
	FirstSeen, FirstSeenISO            string
	Categories                         []pageCategory
	AlsoFrom                           []store.Copy
	Related                            []relatedRef
}

// buildPage renders the HTML page of the newest entries, of one category
// when category is not empty.
func (s *Server) buildPage(ctx context.Context, now time.Time, set Settings, category string, before store.Cursor) (*rendered, error) {
	stored, more, err := s.store.LatestPage(ctx, now, set.ItemsPerFeed, category, before)
	if err != nil {
		return nil, err
	}
	items, complete, err := s.withRelated(ctx, set, stored)
	if err != nil {
		return nil, err
	}
	counts, err := s.categoryCounts(ctx)
	if err != nil {
		return nil, err
	}
	expires, err := s.expiry(ctx, now, complete)
	if err != nil {
		return nil, err
	}
	// Links within the site are relative, so that the page works wherever
	// it is served from, a static export included.
	base := ""
	if category != "" {
		base = "../../"
	}
	d := pageData{Lang: set.Language, Title: set.Title, SiteTitle: set.Title, Base: base, Msg: messagesFor(set.Language)}
	if base == "" {
		d.Base = "./"
	}
	feedBase := base + "feed"
	for _, c := range counts {
		current := c.Slug == category
		d.Categories = append(d.Categories, pageCategory{Label: c.Label, URL: categoryPage(base, c.Slug), Count: c.Count, Current: current})
		if current {
			d.Category = c.Label
			d.Title = set.Title + " · " + c.Label
			feedBase = base + "category/" + url.PathEscape(c.Slug)
		}
	}
	d.Feeds.Atom, d.Feeds.RSS, d.Feeds.JSON = feedBase+".atom", feedBase+".rss", feedBase+".json"
	if more {
		d.Older = "?before=" + store.CursorOf(stored[len(stored)-1]).String()
	}
	if before != (store.Cursor{}) {
		d.Newest = "./"
	}
	for i := range items {
		d.Entries = append(d.Entries, newPageEntry(&items[i], base, set.location()))
	}
	var b bytes.Buffer
	if err := s.page.Execute(&b, d); err != nil {
		return nil, err
	}
	return &rendered{
		body:     b.Bytes(),
		modified: latestChange(stored, s.started),
		ctype:    "text/html; charset=utf-8",
		expires:  expires,
		headers:  pageHeaders,
	}, nil
}

// pageHeaders are the page's own response headers (canonical keys, values
// shared by every response: net/http only reads them).
var pageHeaders = http.Header{
	"Content-Security-Policy": {contentSecurityPolicy},
	"X-Content-Type-Options":  {"nosniff"},
	"Referrer-Policy":         {"no-referrer-when-downgrade"},
}

func categoryPage(base, slug string) string {
	return base + "category/" + url.PathEscape(slug) + "/"
}

// pageTime is how the page prints a time: in the configured zone, named.
const pageTime = "2006-01-02 15:04 MST"

func newPageEntry(it *item, base string, loc *time.Location) pageEntry {
	published := it.PublishedOr(it.FirstSeen).In(loc)
	firstSeen := it.FirstSeen.In(loc)
	e := pageEntry{
		Title: it.Title, URL: it.Link, Anchor: "e-" + it.ID[len(it.ID)-12:], Lang: script.Lang(it.Title + it.ContentText),
		Source: it.Source.Title, SourceURL: it.Source.SiteURL, Author: it.Author, Excerpt: excerpt(it.ContentText, 280),
		Published: published.Format(pageTime), PublishedISO: published.Format(time.RFC3339),
		FirstSeen: firstSeen.Format(pageTime), FirstSeenISO: firstSeen.Format(time.RFC3339),
		AlsoFrom: it.AlsoFrom, Related: it.Related,
	}
	for _, c := range it.Categories {
		e.Categories = append(e.Categories, pageCategory{Label: c.Label, URL: categoryPage(base, c.Slug)})
	}
	return e
}

// excerpt returns at most max runes of text, cut at a space when there is
// one near the end.
func excerpt(text string, max int) string {
	r := []rune(text)
	if len(r) <= max {
		return text
	}
	cut := max
	for i := max; i > max*3/4; i-- {
		if unicode.IsSpace(r[i]) {
			cut = i
			break
		}
	}
	return string(r[:cut]) + "…"
}
