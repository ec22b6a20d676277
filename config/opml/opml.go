// Package opml reads and writes OPML 2.0 subscription lists, the format
// feed readers exchange their subscriptions in.
package opml

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
)

// Subscription is one feed of a subscription list.
type Subscription struct {
	Title      string   // the outline's title, else its text
	FeedURL    string   // xmlUrl: http or https only
	SiteURL    string   // htmlUrl, when given
	Categories []string // the titles of the folders it sits in, outermost first, and its category attribute
}

// Limits on what Parse reads: a subscription list is small.
const (
	MaxBytes    = 4 << 20
	MaxDepth    = 32
	MaxOutlines = 20000
)

type outline struct {
	Text     string    `xml:"text,attr"`
	Title    string    `xml:"title,attr,omitempty"`
	Type     string    `xml:"type,attr,omitempty"`
	XMLURL   string    `xml:"xmlUrl,attr,omitempty"`
	HTMLURL  string    `xml:"htmlUrl,attr,omitempty"`
	Category string    `xml:"category,attr,omitempty"`
	Outlines []outline `xml:"outline"`
}

type document struct {
	XMLName xml.Name `xml:"opml"`
	Version string   `xml:"version,attr"`
	Head    struct {
		Title string `xml:"title"`
	} `xml:"head"`
	Body struct {
		Outlines []outline `xml:"outline"`
	} `xml:"body"`
}

// Parse reads an OPML document and returns its feeds, in document order,
// each once (by feed URL). Outlines whose xmlUrl is not an http(s) URL are
// left out and counted in skipped.
func Parse(r io.Reader) (subs []Subscription, skipped int, err error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, 0, fmt.Errorf("read OPML: %w", err)
	}
	if len(data) > MaxBytes {
		return nil, 0, fmt.Errorf("OPML larger than %d bytes", MaxBytes)
	}
	if err := checkDepth(data); err != nil {
		return nil, 0, err
	}
	var doc document
	dec := xml.NewDecoder(strings.NewReader(string(data)))
	dec.Strict = false
	dec.CharsetReader = func(label string, input io.Reader) (io.Reader, error) {
		if l := strings.ToLower(label); l == "utf-8" || l == "utf8" || l == "us-ascii" {
			return input, nil
		}
		return nil, fmt.Errorf("OPML in %s: only UTF-8 is read", label)
	}
	if err := dec.Decode(&doc); err != nil {
		return nil, 0, fmt.Errorf("parse OPML: %w", err)
	}
	seen := map[string]bool{}
	count := 0
	var walk func(list []outline, folders []string) error
	walk = func(list []outline, folders []string) error {
		for _, o := range list {
			if count++; count > MaxOutlines {
				return fmt.Errorf("OPML has more than %d outlines", MaxOutlines)
			}
			title := strings.TrimSpace(o.Title)
			if title == "" {
				title = strings.TrimSpace(o.Text)
			}
			if feed := strings.TrimSpace(o.XMLURL); feed != "" {
				if !isHTTP(feed) {
					skipped++
				} else if !seen[feed] {
					seen[feed] = true
					cats := append([]string(nil), folders...)
					for _, c := range strings.Split(o.Category, ",") {
						if c = strings.Trim(strings.TrimSpace(c), "/"); c != "" {
							cats = append(cats, c)
						}
					}
					site := strings.TrimSpace(o.HTMLURL)
					if !isHTTP(site) {
						site = ""
					}
					subs = append(subs, Subscription{Title: title, FeedURL: feed, SiteURL: site, Categories: cats})
				}
			}
			inner := folders
			if o.XMLURL == "" && title != "" {
				inner = append(append([]string(nil), folders...), title)
			}
			if err := walk(o.Outlines, inner); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(doc.Body.Outlines, nil); err != nil {
		return nil, 0, err
	}
	return subs, skipped, nil
}

// checkDepth refuses documents nested deeper than MaxDepth before they are
// decoded (encoding/xml recurses into nested outlines).
func checkDepth(data []byte) error {
	dec := xml.NewDecoder(strings.NewReader(string(data)))
	dec.Strict = false
	dec.CharsetReader = func(_ string, input io.Reader) (io.Reader, error) { return input, nil }
	depth := 0
	for {
		tok, err := dec.RawToken()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("parse OPML: %w", err)
		}
		switch tok.(type) {
		case xml.StartElement:
			if depth++; depth > MaxDepth {
				return fmt.Errorf("OPML nested deeper than %d", MaxDepth)
			}
		case xml.EndElement:
			depth--
		}
	}
}

func isHTTP(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// Write writes subs as an OPML 2.0 document titled title, each feed an
// outline of type rss.
func Write(w io.Writer, title string, subs []Subscription) error {
	var doc document
	doc.Version = "2.0"
	doc.Head.Title = title
	for _, s := range subs {
		o := outline{Type: "rss", Text: s.Title, Title: s.Title, XMLURL: s.FeedURL, HTMLURL: s.SiteURL}
		if len(s.Categories) > 0 {
			o.Category = strings.Join(s.Categories, ",")
		}
		doc.Body.Outlines = append(doc.Body.Outlines, o)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
