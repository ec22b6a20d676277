// Package parse turns fetched feed bytes into gofeed's universal feed model.
//
// gofeed takes its charset only from the XML declaration and fails a whole
// feed on one bad byte, so bytes are first made into clean UTF-8 here (see
// ToUTF8) and only then handed to gofeed.
package parse

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/rss"

	"github.com/tributary/tributary/aggregator/normalize"
)

// Result is a parsed feed and the encoding its bytes were read in.
type Result struct {
	Feed     *gofeed.Feed
	Encoding string
}

// Parse decodes body (see ToUTF8) and parses it as RSS, Atom or JSON Feed.
func Parse(body []byte, contentType, encodingOverride string) (*Result, error) {
	text, enc, err := ToUTF8(body, contentType, encodingOverride)
	if err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	if err := checkShape(text, MaxDepth, MaxElements); err != nil {
		return nil, fmt.Errorf("parse: refused: %w", err)
	}
	if isXML(text) {
		if atomRoot(text) {
			text = prepareAtom(text)
		}
		text = fixRSS1Namespace(text)
	}
	p := gofeed.NewParser()
	// The image scan of item content costs a third of the parse time and
	// gives nothing we use.
	p.RSSTranslator = &rssTranslator{gofeed.DefaultRSSTranslator{DisableContentImageScan: true}}
	feed, err := p.Parse(bytes.NewReader(text))
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) && len(text) <= maxJSONRepair {
		// A JSON Feed with a field of the wrong type: repaired and read
		// again (only then, and only for a feed of bounded size: the
		// repair holds the whole document as generic values).
		feed, err = p.Parse(bytes.NewReader(lenientJSON(text)))
	}
	if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
		// A feed inside another document (an Atom feed in an XHTML
		// page): parse the feed element alone.
		if inner := embeddedFeed(text); inner != nil {
			if atomRoot(inner) {
				inner = prepareAtom(inner)
			}
			feed, err = p.Parse(bytes.NewReader(inner))
		}
	}
	if err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	if feed.FeedType == "rss" && feed.FeedVersion == "1.0" {
		addRDFAbout(text, feed)
	}
	return &Result{Feed: feed, Encoding: enc}, nil
}

// rss1Namespace finds RSS 1.0's namespace declared without its trailing
// slash ("http://purl.org/rss/1.0"), which gofeed does not take for RSS
// 1.0: the feed would read as having no items.
var rss1Namespace = regexp.MustCompile(`(xmlns(?::[A-Za-z_][\w.-]*)?\s*=\s*["'])http://purl\.org/rss/1\.0(["'])`)

// fixRSS1Namespace declares RSS 1.0's namespace as the specification
// writes it.
func fixRSS1Namespace(text []byte) []byte {
	if !bytes.Contains(text, []byte("http://purl.org/rss/1.0")) {
		return text
	}
	return rss1Namespace.ReplaceAll(text, []byte("${1}http://purl.org/rss/1.0/${2}"))
}

// maxJSONRepair is the largest JSON Feed whose field types are repaired.
const maxJSONRepair = 1 << 20

// embeddedFeed returns the first Atom <feed>, RSS <rss> or RDF <rdf:RDF>
// element of an XML document whose root is something else, as a document
// of its own, or nil.
func embeddedFeed(text []byte) []byte {
	if !isXML(text) {
		return nil
	}
	dec := xml.NewDecoder(bytes.NewReader(text))
	dec.Strict = false
	depth := 0
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return nil
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			isFeed := t.Name.Local == "feed" && t.Name.Space == "http://www.w3.org/2005/Atom" ||
				t.Name.Local == "rss" || t.Name.Local == "RDF" && t.Name.Space == "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
			if !isFeed {
				continue
			}
			if depth == 1 {
				return nil // the root is the feed: not embedded, and gofeed did not read it
			}
			if err := dec.Skip(); err != nil {
				return nil
			}
			inner := append([]byte(nil), text[start:dec.InputOffset()]...)
			// Namespaces declared above the feed element are lost with it;
			// the Atom one matters and is restated.
			if bytes.HasPrefix(inner, []byte("<feed")) && !bytes.Contains(inner[:bytes.IndexByte(inner, '>')+1], []byte("xmlns")) {
				inner = append([]byte(`<feed xmlns="http://www.w3.org/2005/Atom"`), inner[len("<feed"):]...)
			}
			return inner
		case xml.EndElement:
			depth--
		}
	}
}

// addRDFAbout keeps each RSS 1.0 item's rdf:about, its identity, which
// gofeed drops (see normalize.RDFAbout); only when the items found are
// gofeed's items, one for one.
func addRDFAbout(text []byte, feed *gofeed.Feed) {
	const rdfNS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	dec := xml.NewDecoder(bytes.NewReader(text))
	dec.Strict = false
	var abouts []string
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "item" {
			about := ""
			for _, a := range se.Attr {
				if a.Name.Local == "about" && (a.Name.Space == rdfNS || a.Name.Space == "rdf") {
					about = strings.TrimSpace(a.Value)
				}
			}
			abouts = append(abouts, about)
		}
	}
	if len(abouts) != len(feed.Items) {
		return
	}
	for i, a := range abouts {
		if a == "" {
			continue
		}
		if feed.Items[i].Custom == nil {
			feed.Items[i].Custom = map[string]string{}
		}
		feed.Items[i].Custom[normalize.RDFAbout] = a
	}
}

// Keys of gofeed.Feed.Custom under which an RSS channel's ttl, skipHours
// and skipDays (comma-separated) are kept.
const (
	TTL       = "tributary:ttl"
	SkipHours = "tributary:skipHours"
	SkipDays  = "tributary:skipDays"
)

// rssTranslator is gofeed's RSS translator, plus what the universal item
// drops and identity needs: whether a GUID is a permalink. An item whose
// GUID says isPermaLink="false" gets normalize.NotPermalink in Custom.
type rssTranslator struct {
	gofeed.DefaultRSSTranslator
}

func (t *rssTranslator) Translate(feed any) (*gofeed.Feed, error) {
	out, err := t.DefaultRSSTranslator.Translate(feed)
	if err != nil {
		return nil, err
	}
	src, ok := feed.(*rss.Feed)
	if !ok {
		return out, nil
	}
	// When to come back, as the channel says (see aggregator.PollHints).
	for key, v := range map[string]string{TTL: src.TTL, SkipHours: strings.Join(src.SkipHours, ","), SkipDays: strings.Join(src.SkipDays, ",")} {
		if v = strings.TrimSpace(v); v != "" {
			if out.Custom == nil {
				out.Custom = map[string]string{}
			}
			out.Custom[key] = v
		}
	}
	if len(src.Items) != len(out.Items) {
		return out, nil
	}
	for i, it := range src.Items {
		if it.GUID == nil || !strings.EqualFold(strings.TrimSpace(it.GUID.IsPermalink), "false") {
			continue
		}
		if out.Items[i].Custom == nil {
			out.Items[i].Custom = map[string]string{}
		}
		out.Items[i].Custom[normalize.NotPermalink] = "true"
	}
	return out, nil
}
